package net.zcc.keyserver.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.ClientIdentity;
import net.zcc.contract.KeyId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Creating, loading and refusing the fleet CA on disk, and what it issues. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetCaTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final KeyId HOST = KeyId.of(new byte[32]);

    @TempDir
    Path tmp;

    @Test
    void firstStartCreatesOwnerOnlyFilesAndSecondStartLoadsTheSameCa() throws Exception {
        Path dir = tmp.resolve("ca");
        FleetCa created = FleetCa.openOrCreate(dir, CLOCK);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        for (String f : List.of(FleetCa.KEY_FILE, FleetCa.CERT_FILE)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
        }
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
        X509Certificate ca = created.certificate();
        assertTrue(ca.getBasicConstraints() >= 0, "CA basic constraint");
        assertTrue(ca.getKeyUsage()[5], "keyCertSign");
        assertEquals("EC", ca.getPublicKey().getAlgorithm());
        ca.verify(ca.getPublicKey());

        FleetCa loaded = FleetCa.openOrCreate(dir, CLOCK);
        assertArrayEquals(ca.getEncoded(), loaded.certificate().getEncoded());
        // The loaded key signs certificates that the stored CA certificate verifies.
        loaded.issueClientCertificate(HOST, FleetCa.newEcKeyPair().getPublic()).verify(ca.getPublicKey());
    }

    @Test
    void issuedClientCertificateNamesTheKeyIdWithClientAuthAndTheRequestedValidity() throws Exception {
        FleetCa ca = FleetCa.openOrCreate(tmp.resolve("ca"), CLOCK);
        KeyPair client = FleetCa.newEcKeyPair();
        Duration validity = Duration.ofDays(7);
        X509Certificate cert = ca.issueClientCertificate(HOST, client.getPublic(), validity);

        cert.verify(ca.certificate().getPublicKey());
        assertEquals(ca.certificate().getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertEquals("CN=" + HOST.hex(), cert.getSubjectX500Principal().getName());
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        assertEquals(List.of(List.of(6, "zcc:host:" + HOST.hex())), List.copyOf(sans));
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage(), "clientAuth only");
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertTrue(cert.getKeyUsage()[0], "digitalSignature");
        assertEquals(client.getPublic(), cert.getPublicKey());
        assertEquals(NOW.plus(validity), cert.getNotAfter().toInstant());
        assertEquals(NOW.minus(FleetCa.BACKDATE), cert.getNotBefore().toInstant());
        assertEquals(Optional.of(HOST), ClientIdentity.keyIdOf(cert));

        X509Certificate byDefault = ca.issueClientCertificate(HOST, client.getPublic());
        assertEquals(NOW.plus(Duration.ofDays(30)), byDefault.getNotAfter().toInstant());
        assertFalse(cert.getSerialNumber().equals(byDefault.getSerialNumber()));

        assertThrows(IllegalArgumentException.class,
                () -> ca.issueClientCertificate(HOST, client.getPublic(), Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> ca.issueClientCertificate(HOST, client.getPublic(), Duration.ofDays(1000)));
    }

    @Test
    void serverCertificateHasServerAuthAndTheIpSan() throws Exception {
        FleetCa ca = FleetCa.openOrCreate(tmp.resolve("ca"), CLOCK);
        KeyPair server = FleetCa.newEcKeyPair();
        X509Certificate cert = ca.issueServerCertificate(server.getPublic(),
                List.of(InetAddress.getByName("127.0.0.1")), List.of(), Duration.ofDays(2));
        cert.verify(ca.certificate().getPublicKey());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage(), "serverAuth only");
        assertEquals(List.of(List.of(7, "127.0.0.1")), List.copyOf(cert.getSubjectAlternativeNames()));
        assertEquals(Optional.empty(), ClientIdentity.keyIdOf(cert), "a server certificate names no host");
    }

    @Test
    void hostCertificateServesBothWaysAndNamesTheAddresses() throws Exception {
        FleetCa ca = FleetCa.openOrCreate(tmp.resolve("ca"), CLOCK);
        X509Certificate cert = ca.issueHostCertificate(HOST, FleetCa.newEcKeyPair().getPublic(), Duration.ofDays(2),
                List.of(InetAddress.getByName("198.18.0.2"), InetAddress.getByName("2001:2::2")));
        cert.verify(ca.certificate().getPublicKey());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage());
        assertEquals(List.of(List.of(6, "zcc:host:" + HOST.hex()), List.of(7, "198.18.0.2"),
                List.of(7, "2001:2:0:0:0:0:0:2")), List.copyOf(cert.getSubjectAlternativeNames()));
        assertEquals(Optional.of(HOST), ClientIdentity.keyIdOf(cert), "still the host's client certificate");
    }

    @Test
    void roleCertificateNamesItsRoleAndIsNoHost() throws Exception {
        FleetCa ca = FleetCa.openOrCreate(tmp.resolve("ca"), CLOCK);
        X509Certificate cert = ca.issueRoleCertificate("zcc-monitor", "prometheus", FleetCa.newEcKeyPair().getPublic(),
                Duration.ofDays(2));
        assertEquals("CN=prometheus,OU=zcc-monitor", cert.getSubjectX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        assertEquals(Optional.empty(), ClientIdentity.keyIdOf(cert), "the key server admits no role as a host");
        assertThrows(IllegalArgumentException.class, () -> ca.issueRoleCertificate("zcc-admin", "x",
                FleetCa.newEcKeyPair().getPublic(), Duration.ofDays(2)));
    }

    @Test
    void filesOrDirectoryOpenToGroupOrOthersAreRefused() throws Exception {
        Path dir = tmp.resolve("ca");
        FleetCa.openOrCreate(dir, CLOCK);
        for (String f : List.of(FleetCa.KEY_FILE, FleetCa.CERT_FILE)) {
            Path file = dir.resolve(f);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            IOException e = assertThrows(IOException.class, () -> FleetCa.openOrCreate(dir, CLOCK));
            assertTrue(e.getMessage().contains("group or others") && e.getMessage().contains(f), e.getMessage());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        IOException e = assertThrows(IOException.class, () -> FleetCa.openOrCreate(dir, CLOCK));
        assertTrue(e.getMessage().contains("0700"), e.getMessage());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertNotNull(FleetCa.openOrCreate(dir, CLOCK));
    }

    @Test
    void aHalfWrittenCaIsRefusedNotReplaced() throws Exception {
        Path dir = tmp.resolve("ca");
        FleetCa.openOrCreate(dir, CLOCK);
        Files.delete(dir.resolve(FleetCa.KEY_FILE));
        IOException e = assertThrows(IOException.class, () -> FleetCa.openOrCreate(dir, CLOCK));
        assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(FleetCa.KEY_FILE)), "no new key was made");
    }

    @Test
    void aKeyFromAnotherCaIsRefused() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        FleetCa.openOrCreate(a, CLOCK);
        FleetCa.openOrCreate(b, CLOCK);
        Files.copy(b.resolve(FleetCa.KEY_FILE), a.resolve(FleetCa.KEY_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IOException e = assertThrows(IOException.class, () -> FleetCa.openOrCreate(a, CLOCK));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }
}
