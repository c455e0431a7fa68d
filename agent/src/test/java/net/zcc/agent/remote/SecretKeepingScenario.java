package net.zcc.agent.remote;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import net.zcc.agent.keys.NoiseKeySource;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.noise.KeyPairSource;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.agent.noise.NoiseProtocol;

/**
 * Child-JVM half of {@link NothingSecretKeptTest}: a real key server (Derby under
 * {@code args[0]}) and two enrolled agents whose Noise key sources run several relayed
 * handshakes, with every logger at its most verbose level writing to files. Prints the secrets
 * it saw as {@code SECRET <kind> <hex>} lines (test keys, for the parent to search for) and
 * {@code PUBLIC <hex>} for the static keys the store must hold (the search's positive control).
 *
 * <p>Run in its own JVM so logging is configured before anything logs: slf4j-simple reads its
 * properties once, at the first logger.
 */
public final class SecretKeepingScenario {
    private SecretKeepingScenario() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Logger root = Logger.getLogger("");
        FileHandler agentLog = new FileHandler(home.resolve("agent.log").toString());
        agentLog.setFormatter(new SimpleFormatter());
        agentLog.setLevel(Level.ALL);
        root.addHandler(agentLog);
        root.setLevel(Level.ALL);
        Logger.getLogger("net.zcc").setLevel(Level.ALL);

        List<byte[]> ephemerals = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        KeyPairSource recording = () -> {
            NoiseKeyPair kp = NoiseKeyPair.generate(random);
            synchronized (ephemerals) {
                ephemerals.add(kp.publicKey());
            }
            return kp;
        };
        NoiseKeySource.Settings settings = new NoiseKeySource.Settings(NoiseProtocol.KK_25519_CHACHAPOLY_SHA256,
                Duration.ofSeconds(10), Duration.ofMinutes(2), 1, Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofMinutes(5)); // a 1-byte budget: every sealed byte asks for a new key
        List<SessionKey> keys = new ArrayList<>();
        List<byte[]> statics = new ArrayList<>();
        InetAddress a = InetAddress.getByName("198.18.41.1");
        InetAddress b = InetAddress.getByName("198.18.41.2");
        try (LiveKeyServer ks = new LiveKeyServer(home)) {
            AgentIdentity ia = ks.enrolledHost(home.resolve("id-a"), a.getHostAddress());
            AgentIdentity ib = ks.enrolledHost(home.resolve("id-b"), b.getHostAddress());
            statics.add(ia.staticKey().bytes());
            statics.add(ib.staticKey().bytes());
            try (KeyServerClient ca = KeyServerClient.open(ia); KeyServerClient cb = KeyServerClient.open(ib);
                    NoiseKeySource sa = new NoiseKeySource(ia.noiseKeyPair(), ca.peerDirectory(), ca.relayTransport(),
                            settings, recording);
                    NoiseKeySource sb = new NoiseKeySource(ib.noiseKeyPair(), cb.peerDirectory(), cb.relayTransport(),
                            settings, recording)) {
                sa.start();
                sb.start();
                SessionKey k = sa.current(b).orElseThrow(() -> new IllegalStateException("no first key"));
                keys.add(copy(k));
                for (int i = 0; i < 3; i++) { // three rekeys: spend the budget, wait for the new key
                    SessionKey old = k;
                    old.countSealed(1);
                    long until = System.nanoTime() + 10_000_000_000L;
                    while (k.id() == old.id() && System.nanoTime() < until) {
                        Thread.sleep(5);
                        k = sa.current(b).orElseThrow();
                    }
                    if (k.id() == old.id()) {
                        throw new IllegalStateException("rekey " + i + " did not happen");
                    }
                    keys.add(copy(k));
                }
                SessionKey fromB = sb.current(a).orElseThrow(); // the responder side holds the same key
                keys.add(copy(fromB));
            }
            for (String t : ks.issuedTokens()) {
                System.out.println("TOKEN " + t);
            }
        }
        HexFormat hex = HexFormat.of();
        synchronized (ephemerals) {
            for (byte[] e : ephemerals) {
                System.out.println("SECRET ephemeral " + hex.formatHex(e));
            }
        }
        for (SessionKey k : keys) {
            System.out.println("SECRET session " + hex.formatHex(k.key()));
        }
        for (byte[] s : statics) {
            System.out.println("PUBLIC " + hex.formatHex(s));
        }
        agentLog.close();
        System.out.println("DONE");
        System.exit(0);
    }

    /** A copy of the key bytes taken now: the source wipes a retired key in place. */
    private static SessionKey copy(SessionKey k) {
        return new SessionKey(k.id(), k.key().clone());
    }
}
