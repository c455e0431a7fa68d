package net.zcc.agent.noise;

/**
 * A Noise message could not be produced or accepted: a bad authentication tag, a message of the
 * wrong length, a message out of turn, an invalid public key or an exhausted nonce. Checked, so
 * that a malformed message from the network is always handled and never ends the caller.
 */
public final class NoiseException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A failure with a reason fit for a log line (never any key material). */
    public NoiseException(String message) {
        super(message);
    }

    /** A failure caused by a JCE exception (a bad tag, typically). */
    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
