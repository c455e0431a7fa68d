package net.zcc.agent.noise;

import java.security.SecureRandom;
import java.util.Objects;

/** Ephemeral key pairs from a {@link SecureRandom}. Thread-safe, as SecureRandom is. */
public final class SecureRandomKeyPairSource implements KeyPairSource {

    private final SecureRandom random;

    /** Key pairs from a new default {@code SecureRandom}. */
    public SecureRandomKeyPairSource() {
        this(new SecureRandom());
    }

    /** Key pairs from {@code random}. */
    public SecureRandomKeyPairSource(SecureRandom random) {
        this.random = Objects.requireNonNull(random);
    }

    @Override
    public NoiseKeyPair generate() {
        return NoiseKeyPair.generate(random);
    }

    @Override
    public String toString() {
        return "SecureRandomKeyPairSource[" + random.getAlgorithm() + "]";
    }
}
