package net.zcc.keyserver.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.KeyId;
import net.zcc.contract.pem.Pem;
import net.zcc.contract.rpc.RpcMethods;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.KeyServerConfig;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.testing.TlsClients;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The administrator's path end to end, over real TLS with Derby in a temp home: {@code admin-init}
 * before the first start, {@code admin token} → {@code Enroll.request} → {@code admin approve} →
 * {@code Keys.lookup} by the host → {@code admin revoke} → the host refused; a second
 * {@code admin-init} while the server runs, accepted without a restart; and the refusals: a host
 * certificate calling {@code Admin.*} (exit 1), credentials of another CA (exit 3).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminCliTest {

    private static final String HOST_ADDRESS = "198.18.50.1";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tmp;

    @Test
    void adminInitTokenEnrollApproveLookupRevoke() throws Exception {
        Path home = tmp.resolve("ks");
        Path adminDir = tmp.resolve("admin");
        CliRun init = CliRun.of("admin-init", "--home", home.toString(), "--out", adminDir.toString(), "--name", "alice");
        assertEquals(0, init.code(), init::toString);
        String adminId = init.field("admin key id");
        assertCredentialFiles(home, adminDir, adminId);
        assertFalse(Files.exists(home.resolve("keystore")), "admin-init never touches Derby");

        try (KeyServer server = new KeyServer(KeyServerConfig.defaults(home, "zcc", "correct horse battery".toCharArray()))) {
            server.start();
            assertEquals(new String(Pem.certificate(server.fleetCa().certificate()), StandardCharsets.US_ASCII), Files.readString(home.resolve(PublicCaFile.NAME)));
            String url = server.baseUri().toString();

            // The admin issues a token; a host enrolls with it, anonymously, as an agent would.
            CliRun token = admin(adminDir, url, "token", "--lifetime", "600");
            assertEquals(0, token.code(), token::toString);
            assertTrue(token.field("expires").matches("\\d{4}-.*Z"), token::toString);
            KeyPair hostTls = FleetCa.newEcKeyPair();
            byte[] x25519 = new byte[32];
            RANDOM.nextBytes(x25519);
            XmlRpcClient anonymous = TlsClients.xmlRpc(server.rpcUri(), TlsClients.fleetClient(server.fleetCa(), null, null));
            String hostId = (String) anonymous.execute(RpcMethods.ENROLL_REQUEST, new Object[] {token.field("token"),
                b64(x25519), new Object[] {HOST_ADDRESS}, b64(hostTls.getPublic().getEncoded())});
            assertEquals(KeyId.of(x25519).hex(), hostId);

            CliRun pending = admin(adminDir, url, "hosts");
            assertEquals(0, pending.code(), pending::toString);
            assertTrue(pending.out().matches("(?s).*" + hostId + " +PENDING +" + HOST_ADDRESS + "\n.*"), pending::toString);

            assertEquals(0, admin(adminDir, url, "approve", hostId).code());
            assertEquals(1, admin(adminDir, url, "approve", hostId).code(), "no change: not PENDING any more");
            X509Certificate hostCert = certificate(anonymous, hostId, hostTls);
            XmlRpcClient host = TlsClients.xmlRpc(server.rpcUri(), TlsClients.fleetClient(server.fleetCa(), hostTls, hostCert));
            assertEquals(b64(x25519), host.execute(RpcMethods.KEYS_LOOKUP, new Object[] {HOST_ADDRESS, "x25519"}));

            // Admin key management through the CLI.
            String chacha = b64(new byte[32]);
            assertEquals(0, admin(adminDir, url, "add-key", hostId, "chacha20", chacha).code());
            assertEquals(chacha, host.execute(RpcMethods.KEYS_LOOKUP, new Object[] {HOST_ADDRESS, "chacha20"}));
            assertEquals(0, admin(adminDir, url, "delete-key", hostId, "chacha20").code());
            assertEquals(1, admin(adminDir, url, "delete-key", hostId, "chacha20").code(), "nothing left to delete");
            assertEquals(1, admin(adminDir, url, "delete-key", hostId, "x25519").code(), "the static key is fixed");

            // A host certificate is not an admin one: the server answers with a fault, exit 1.
            Path hostDir = tmp.resolve("host-creds");
            new AdminCredentials(hostTls.getPrivate(), hostCert, server.fleetCa().certificate()).write(hostDir);
            CliRun notAdmin = admin(hostDir, url, "revoke", hostId);
            assertEquals(1, notAdmin.code(), notAdmin::toString);
            assertTrue(notAdmin.err().contains("administrator certificate required"), notAdmin::toString);
            assertEquals(1, admin(hostDir, url, "hosts").code(), "Admin.hosts is admin-only");
            assertEquals(1, admin(hostDir, url, "token").code());

            // Revocation: the host's live certificate is refused at once.
            CliRun revoke = admin(adminDir, url, "revoke", hostId);
            assertEquals(0, revoke.code(), revoke::toString);
            assertThrows(XmlRpcException.class, () -> host.execute(RpcMethods.KEYS_LOOKUP, new Object[] {HOST_ADDRESS, "x25519"}));
            CliRun revokedHost = admin(hostDir, url, "hosts");
            assertEquals(1, revokedHost.code(), revokedHost::toString);
            assertTrue(revokedHost.err().contains("403"), revokedHost::toString);
            assertTrue(admin(adminDir, url, "hosts").out().matches("(?s).*" + hostId + " +REVOKED .*"));
        }
    }

    @Test
    void aSecondAdminIsAcceptedByTheRunningServerWithoutRestart() throws Exception {
        Path home = tmp.resolve("ks");
        try (KeyServer server = new KeyServer(KeyServerConfig.defaults(home, "zcc", "correct horse battery".toCharArray()))) {
            server.start();
            Path bob = tmp.resolve("bob");
            CliRun init = CliRun.of("admin-init", "--home", home.toString(), "--out", bob.toString(), "--days", "30");
            assertEquals(0, init.code(), init::toString);
            String url = server.baseUri().toString();
            // The admins file is looked at once per host-state cache interval (2 s by default).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            CliRun token;
            do {
                token = admin(bob, url, "token");
                if (token.code() != 0) {
                    Thread.sleep(100);
                }
            } while (token.code() != 0 && System.nanoTime() < deadline);
            assertEquals(0, token.code(), token.toString());
            assertFalse(token.out().contains("PRIVATE"), "nothing secret printed");

            // Writing admin.key again is refused: it would end bob's access silently.
            CliRun again = CliRun.of("admin-init", "--home", home.toString(), "--out", bob.toString());
            assertEquals(1, again.code(), again::toString);

            // Removing bob's line from <home>/admins ends his access without a restart.
            java.nio.file.Path admins = home.resolve("admins");
            java.util.List<String> kept = java.nio.file.Files.readAllLines(admins).stream()
                    .filter(l -> !l.strip().equals(init.out().lines().filter(x -> x.startsWith("admin key id"))
                            .findFirst().orElseThrow().substring("admin key id".length()).strip()))
                    .toList();
            java.nio.file.Files.write(admins, kept);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            CliRun refused;
            do {
                refused = admin(bob, url, "token");
                if (refused.code() == 0) {
                    Thread.sleep(100);
                }
            } while (refused.code() == 0 && System.nanoTime() < deadline);
            assertEquals(AdminCli.REFUSED, refused.code(), refused.toString());
        }
    }

    @Test
    void credentialsOfAnotherCaCannotReachTheServer() throws Exception {
        Path home = tmp.resolve("ks");
        Path strangerHome = tmp.resolve("elsewhere");
        Path stranger = tmp.resolve("stranger");
        assertEquals(0, CliRun.of("admin-init", "--home", strangerHome.toString(), "--out", stranger.toString()).code());
        try (KeyServer server = new KeyServer(KeyServerConfig.defaults(home, "zcc", "correct horse battery".toCharArray()))) {
            server.start();
            String url = server.baseUri().toString();
            CliRun refused = admin(stranger, url, "token");
            assertEquals(AdminCli.UNREACHABLE, refused.code(), refused::toString);

            // Usage errors: no action, a malformed key id, a plain-HTTP URL, a missing directory,
            // credentials inside the key server home.
            assertEquals(AdminCli.USAGE, admin(stranger, url).code());
            assertEquals(AdminCli.USAGE, admin(stranger, url, "approve", "not-a-key-id").code());
            assertEquals(AdminCli.USAGE, admin(stranger, url.replace("https", "http"), "token").code());
            assertEquals(AdminCli.USAGE, admin(tmp.resolve("missing"), url, "token").code());
            assertEquals(AdminCli.USAGE, CliRun.of("admin-init", "--home", home.toString(),
                    "--out", home.resolve("admin").toString()).code());
        }
    }

    private static CliRun admin(Path creds, String url, String... action) {
        String[] args = new String[5 + action.length];
        args[0] = "admin";
        args[1] = "--credentials";
        args[2] = creds.toString();
        args[3] = "--server";
        args[4] = url;
        System.arraycopy(action, 0, args, 5, action.length);
        return CliRun.of(args);
    }

    private static void assertCredentialFiles(Path home, Path dir, String adminId) throws Exception {
        assertEquals("rw-------", mode(dir.resolve(AdminCredentials.KEY_FILE)));
        assertEquals("rw-r--r--", mode(dir.resolve(AdminCredentials.CERT_FILE)));
        assertEquals("rw-r--r--", mode(dir.resolve(AdminCredentials.CA_FILE)));
        assertEquals("rw-------", mode(AdminsFile.in(home)));
        assertEquals("rw-------", mode(home.resolve(PublicCaFile.NAME)), "the store refuses wider modes in its home");
        AdminCredentials creds = AdminCredentials.load(dir);
        assertEquals(adminId, AdminKeyId.of(creds.certificate().getPublicKey()).hex());
        assertEquals(adminId, creds.certificate().getSubjectX500Principal().getName().substring("CN=".length()));
        assertTrue(AdminsFile.read(AdminsFile.in(home)).contains(new KeyId(adminId)));
        assertEquals(Files.readString(dir.resolve(AdminCredentials.CA_FILE)), Files.readString(home.resolve(PublicCaFile.NAME)));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @SuppressWarnings("unchecked")
    private static X509Certificate certificate(XmlRpcClient anonymous, String hostId, KeyPair tls) throws Exception {
        Map<String, Object> r = (Map<String, Object>) anonymous.execute(RpcMethods.ENROLL_CERTIFICATE,
                new Object[] {hostId, b64(tls.getPublic().getEncoded())});
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(((String) r.get("certificate")).getBytes(StandardCharsets.US_ASCII)));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
