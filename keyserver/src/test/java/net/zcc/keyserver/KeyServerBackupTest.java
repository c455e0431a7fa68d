package net.zcc.keyserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.testing.TlsClients;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Backup.create} (the admin CLI's {@code backup}): an online backup taken while the key
 * server serves, copied into a fresh home, starts a key server that serves the same hosts in the
 * same states under the same fleet CA (an admin certificate issued by the original still works),
 * and knows nothing written after the backup. Only an administrator may take one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyServerBackupTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] PASSWORD = "correct horse battery".toCharArray();

    @TempDir
    Path dir;

    private final KeyId adminId = KeyId.of(new byte[32]);

    @Test
    void aBackupTakenWhileServingRestoresIntoAFreshHomeThatServesTheSameHosts() throws Exception {
        KeyPair adminKeys = FleetCa.newEcKeyPair();
        try (KeyServer server = new KeyServer(config(dir.resolve("home")))) {
            server.start();
            FleetCa ca = server.fleetCa();
            X509Certificate adminCert = ca.issueClientCertificate(adminId, adminKeys.getPublic(), Duration.ofDays(1));
            SSLContext adminTls = TlsClients.fleetClient(ca, adminKeys, adminCert);
            XmlRpcClient admin = TlsClients.xmlRpc(server.rpcUri(), adminTls);
            XmlRpcClient anonymous = TlsClients.xmlRpc(server.rpcUri(), TlsClients.fleetClient(ca, null, null));
            String approved = enroll(admin, anonymous, "198.18.0.2");
            enroll(admin, anonymous, "198.18.0.3"); // stays PENDING
            assertEquals(true, admin.execute("Admin.approve", new Object[] {approved}));
            List<String> before = hosts(admin);

            Map<?, ?> answer = (Map<?, ?>) admin.execute("Backup.create", new Object[0]);
            Path backup = Path.of((String) answer.get("directory"));
            enroll(admin, anonymous, "198.18.0.9"); // after the backup: not in it

            assertTrue(backup.startsWith(dir.resolve("home").resolve(KeyServerBackup.DIRECTORY)), backup.toString());
            assertTrue(Files.isDirectory(backup.resolve("keystore")), "Derby's backup");
            assertTrue(Files.isRegularFile(backup.resolve("ca").resolve(FleetCa.KEY_FILE)), "the fleet CA key");
            assertOwnerOnly(backup);

            Path fresh = dir.resolve("restored");
            copyTree(backup, fresh);
            try (KeyServer restored = new KeyServer(config(fresh))) {
                restored.start();
                assertArrayEquals(ca.certificate().getEncoded(), restored.fleetCa().certificate().getEncoded(),
                        "the same fleet CA");
                // the admin's certificate from the original CA opens the restored server's admin API
                XmlRpcClient restoredAdmin = TlsClients.xmlRpc(restored.rpcUri(), adminTls);
                assertEquals(before, hosts(restoredAdmin));
                assertEquals(3, hosts(admin).size(), "the original went on taking enrollments");
            }
        }
    }

    @Test
    void onlyAnAdministratorTakesABackup() throws Exception {
        try (KeyServer server = new KeyServer(config(dir.resolve("home")))) {
            server.start();
            FleetCa ca = server.fleetCa();
            KeyPair hostKeys = FleetCa.newEcKeyPair();
            KeyId host = KeyId.of(random32());
            X509Certificate cert = ca.issueClientCertificate(host, hostKeys.getPublic(), Duration.ofDays(1));
            XmlRpcClient notAdmin = TlsClients.xmlRpc(server.rpcUri(), TlsClients.fleetClient(ca, hostKeys, cert));
            assertThrows(XmlRpcException.class, () -> notAdmin.execute("Backup.create", new Object[0]));
            assertTrue(Files.notExists(dir.resolve("home").resolve(KeyServerBackup.DIRECTORY)));
        }
    }

    private KeyServerConfig config(Path home) {
        return KeyServerConfig.defaults(home, "zcc", PASSWORD).withAdmins(Set.of(adminId));
    }

    @SuppressWarnings("unchecked")
    private static String enroll(XmlRpcClient admin, XmlRpcClient anonymous, String address) throws Exception {
        Map<String, Object> t = (Map<String, Object>) admin.execute("Admin.issueToken", new Object[] {600});
        String tls = Base64.getEncoder().encodeToString(FleetCa.newEcKeyPair().getPublic().getEncoded());
        return (String) anonymous.execute("Enroll.request", new Object[] {t.get("token"),
            Base64.getEncoder().encodeToString(random32()), new Object[] {address}, tls});
    }

    /** Key id, state and addresses of every host, in the server's order. */
    private static List<String> hosts(XmlRpcClient admin) throws Exception {
        List<String> out = new ArrayList<>();
        for (Object h : (Object[]) admin.execute("Admin.hosts", new Object[0])) {
            Map<?, ?> host = (Map<?, ?>) h;
            out.add(host.get("keyId") + " " + host.get("state") + " " + List.of((Object[]) host.get("addresses")));
        }
        return out;
    }

    private static void assertOwnerOnly(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                assertTrue(perms.stream().allMatch(x -> x.name().startsWith("OWNER")), p + " " + perms);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static byte[] random32() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }
}
