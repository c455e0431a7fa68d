package net.zcc.keyserver.store;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Child-JVM half of {@link KillDurabilityTest}: registers host n with its key, and prints
 * "COMMITTED n" only after that transaction has committed. Bounded in count and time so an
 * orphan stops by itself.
 */
public final class DurabilityWriter {
    static final int MAX_WRITES = 5_000;
    static final long MAX_MILLIS = 30_000;

    private DurabilityWriter() {
    }

    /** Arguments: the store's home directory. */
    public static void main(String[] args) throws Exception {
        long deadline = System.currentTimeMillis() + MAX_MILLIS;
        try (KeyStoreDatabase db = TestStores.open(Path.of(args[0]))) {
            HostDirectory hosts = new HostDirectory(db);
            for (int n = 0; n < MAX_WRITES && System.currentTimeMillis() < deadline; n++) {
                hosts.register(key(n), List.of(address(n)), Instant.now());
                System.out.println("COMMITTED " + n);
                System.out.flush();
            }
        }
    }

    static byte[] key(int n) {
        return TestStores.publicKey("durability-" + n);
    }

    static InetAddress address(int n) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
    }
}
