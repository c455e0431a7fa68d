package net.zcc.agent.noise;

/**
 * Where a handshake gets its ephemeral key pair: {@link SecureRandomKeyPairSource} in real use,
 * fixed keys in the test vectors.
 */
@FunctionalInterface
public interface KeyPairSource {

    /**
     * A new key pair, used for one handshake only. The handshake owns it and wipes it when the
     * handshake completes or fails, so implementations must return a fresh object every call.
     */
    NoiseKeyPair generate();
}
