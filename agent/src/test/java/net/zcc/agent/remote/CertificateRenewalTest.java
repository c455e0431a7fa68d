package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.zcc.contract.pem.Pem;
import net.zcc.contract.rpc.RpcMethods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificate renewal against a real key server issuing 1-hour certificates (61 minutes:
 * valid from a minute ago). The key server decides the renewal window by its own clock, so both
 * clocks start 45 minutes in the past: the first certificate is issued then, and is 45 minutes old
 * (valid, in its last third) when the key server's clock returns to real time. The agent's clock
 * is moved by hand from there; certificates are always valid in real time, which the TLS layer uses.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CertificateRenewalTest {

    private static final String ADDRESS_A = "198.18.40.1";
    private static final String ADDRESS_B = "2001:2::41";

    /** Real time plus an offset the test moves. */
    static final class MovableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path tmp;

    @Test
    void renewsInTheLastThirdSavesTheCertificateAndPresentsItOnTheNextConnection() throws Exception {
        MovableClock serverClock = new MovableClock();
        serverClock.advance(Duration.ofMinutes(-45));
        try (LiveKeyServer ks = new LiveKeyServer(tmp, Duration.ofHours(1), serverClock)) {
            Path dirA = tmp.resolve("host-a");
            AgentIdentity a = ks.enrolledHost(dirA, ADDRESS_A);
            AgentIdentity b = ks.enrolledHost(tmp.resolve("host-b"), ADDRESS_B);
            X509Certificate first = a.clientCertificate().orElseThrow();
            serverClock.advance(Duration.ofMinutes(45)); // real time: the certificate is in its last third
            MovableClock clock = new MovableClock();
            clock.advance(Duration.ofMinutes(-45));
            try (KeyServerClient client = KeyServerClient.open(a, clock)) {
                assertEquals(Optional.of(b.staticKey()), client.peerDirectory().lookup(InetAddress.getByName(ADDRESS_B)));
                assertEquals(first, client.keyManager().lastPresented(), "the enrolled certificate was presented");

                assertFalse(client.renewIfDue(), "an hour left of 61 minutes: not due");
                clock.advance(Duration.ofMinutes(30));
                assertFalse(client.renewIfDue(), "30 of 61 minutes left: not due yet");
                assertEquals(first, certificateFile(dirA));

                clock.advance(Duration.ofMinutes(15)); // 15 of 61 minutes left: below a third
                assertTrue(client.renewIfDue());
                X509Certificate renewed = certificateFile(dirA);
                assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber(), "a new certificate was saved");
                renewed.verify(ks.server().fleetCa().certificate().getPublicKey());
                assertEquals(a.tlsPublicKey(), renewed.getPublicKey());
                assertEquals(first.getSubjectX500Principal(), renewed.getSubjectX500Principal());
                assertFalse(renewed.getNotAfter().before(first.getNotAfter()));
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dirA.resolve(AgentIdentity.CLIENT_CERT))));
                try (Stream<Path> files = Files.list(dirA)) {
                    assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
                }
                assertEquals(renewed, client.presentedCertificate(), "new handshakes present the renewed certificate");
                assertEquals(Optional.of(renewed), client.identity().clientCertificate());
                assertEquals(Optional.of(renewed), AgentIdentity.load(dirA).clientCertificate(), "a restart keeps it");

                // The key server closes the connection after refusing an oversized request; the next
                // lookup opens a new one with a full handshake (no resumed session), presenting the
                // renewed certificate, and the key server accepts it.
                assertThrows(IOException.class, () -> client.call(RpcMethods.KEYS_LOOKUP, "x".repeat(100_000), "x25519"));
                assertEquals(Optional.of(b.staticKey()), client.peerDirectory().lookup(InetAddress.getByName(ADDRESS_B)));
                assertEquals(renewed, client.keyManager().lastPresented(),
                        "the new connection presented the renewed certificate, without a restart");

                failedRenewalsWarnOncePerDay(ks, a, dirA, clock, client, renewed);
            }
        }
    }

    /** A revoked host cannot renew: an exception, the file untouched, a warning at most once a day. */
    private static void failedRenewalsWarnOncePerDay(LiveKeyServer ks, AgentIdentity a, Path dirA, MovableClock clock,
            KeyServerClient client, X509Certificate renewed) throws Exception {
        assertTrue(ks.revoke(a.keyId()));
        clock.advance(Duration.ofMinutes(50)); // 10 of the renewed certificate's 61 minutes left
        assertNull(client.lastExpiryWarning());
        assertThrows(IOException.class, client::renewIfDue);
        Instant warned = client.lastExpiryWarning();
        assertNotNull(warned, "within 3 days of expiry a failed renewal is logged");
        clock.advance(Duration.ofMinutes(1));
        assertThrows(IOException.class, client::renewIfDue);
        assertEquals(warned, client.lastExpiryWarning(), "not logged again within a day");
        assertEquals(renewed, certificateFile(dirA));
        assertEquals(renewed, client.presentedCertificate());
    }

    @Test
    void renewalIsDueInTheLastThirdOfTheLifetime() throws Exception {
        try (LiveKeyServer ks = new LiveKeyServer(tmp)) {
            AgentIdentity a = ks.enrolledHost(tmp.resolve("host-a"), ADDRESS_A);
            X509Certificate cert = a.clientCertificate().orElseThrow();
            Instant notAfter = cert.getNotAfter().toInstant();
            Duration lifetime = Duration.between(cert.getNotBefore().toInstant(), notAfter);
            assertTrue(lifetime.compareTo(Duration.ofDays(30)) >= 0, "the key server's default is 30 days");
            assertFalse(KeyServerClient.renewalDue(cert, notAfter.minus(Duration.ofDays(11))));
            assertTrue(KeyServerClient.renewalDue(cert, notAfter.minus(Duration.ofDays(10))));
            assertTrue(KeyServerClient.renewalDue(cert, notAfter.plusSeconds(1)), "expired: due");

            try (KeyServerClient client = KeyServerClient.open(a)) {
                assertFalse(client.renewIfDue(), "a fresh 30-day certificate is not due");
            }
            MovableClock late = new MovableClock();
            late.advance(Duration.between(Instant.now(), notAfter).plusMinutes(1));
            TlsContexts.ClientKeyManager expired = TlsContexts.clientKeys(a, late);
            assertNull(expired.chooseEngineClientAlias(new String[] {"EC"}, null, null),
                    "an expired certificate is not offered: the handshake goes on anonymously");
            TlsContexts.ClientKeyManager valid = TlsContexts.clientKeys(a, Clock.systemUTC());
            assertEquals(TlsContexts.ClientKeyManager.ALIAS, valid.chooseEngineClientAlias(new String[] {"EC"}, null, null));
            assertNull(valid.chooseEngineClientAlias(new String[] {"RSA"}, null, null));
            assertThrows(IllegalStateException.class, () -> {
                try (KeyServerClient anonymous = KeyServerClient.anonymous(a)) {
                    anonymous.renewIfDue();
                }
            });
        }
    }

    private static X509Certificate certificateFile(Path dir) throws IOException {
        return Pem.certificate(Files.readAllBytes(dir.resolve(AgentIdentity.CLIENT_CERT)), "test");
    }
}
