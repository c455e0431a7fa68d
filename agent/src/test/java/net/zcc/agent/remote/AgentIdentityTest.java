package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import net.zcc.keyserver.ca.FleetCa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity directory: owner-only files, keys kept across re-runs, refusals in words. */
class AgentIdentityTest {

    private static final URI SERVER = URI.create("https://127.0.0.1:8443");

    @TempDir
    Path tmp;
    X509Certificate ca;
    Path dir;

    @BeforeEach
    void fleetCa() throws Exception {
        ca = FleetCa.openOrCreate(tmp.resolve("ca")).certificate();
        dir = tmp.resolve("identity");
    }

    @Test
    void createdOwnerOnlyAndReloaded() throws Exception {
        AgentIdentity id = AgentIdentity.createOrUpdate(dir, SERVER, ca);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
        AgentIdentity again = AgentIdentity.load(dir);
        assertEquals(id.staticKey(), again.staticKey());
        assertEquals(id.keyId(), again.keyId());
        assertEquals(id.keyId(), Files.readString(dir.resolve(AgentIdentity.KEY_ID)).trim());
        assertEquals(SERVER, again.server());
        assertEquals(ca, again.fleetCa());
        assertTrue(again.clientCertificate().isEmpty());
        assertArrayEquals(id.tlsPublicKey().getEncoded(), again.tlsPublicKey().getEncoded());
    }

    @Test
    void aReRunKeepsTheKeys() throws Exception {
        AgentIdentity first = AgentIdentity.createOrUpdate(dir, SERVER, ca);
        AgentIdentity second = AgentIdentity.createOrUpdate(dir, URI.create("https://198.18.0.9:9443/"), ca);
        assertEquals(first.staticKey(), second.staticKey());
        assertArrayEquals(first.tlsPublicKey().getEncoded(), second.tlsPublicKey().getEncoded());
        assertEquals(URI.create("https://198.18.0.9:9443"), second.server());
    }

    @Test
    void aKeyOthersCanReadIsRefused() throws Exception {
        AgentIdentity.createOrUpdate(dir, SERVER, ca);
        for (String name : List.of(AgentIdentity.NOISE_KEY, AgentIdentity.TLS_KEY)) {
            Path f = dir.resolve(name);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
            IOException e = assertThrows(IOException.class, () -> AgentIdentity.load(dir));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("chmod 600"), e.getMessage());
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        IOException open = assertThrows(IOException.class, () -> AgentIdentity.load(dir));
        assertTrue(open.getMessage().contains("chmod 700"), open.getMessage());
    }

    @Test
    void onlyHttpsHostPortIsAServer() {
        for (String bad : List.of("http://127.0.0.1:80", "https://127.0.0.1", "https://127.0.0.1:8443/RPC2",
                "https://u@127.0.0.1:8443", "https://127.0.0.1:8443?x=1")) {
            assertThrows(IllegalArgumentException.class, () -> AgentIdentity.createOrUpdate(dir, URI.create(bad), ca), bad);
        }
        assertFalse(Files.exists(dir), "nothing is written for a bad URL");
    }

    @Test
    void toStringShowsNoKeyMaterial() throws Exception {
        AgentIdentity id = AgentIdentity.createOrUpdate(dir, SERVER, ca);
        String noise = Files.readString(dir.resolve(AgentIdentity.NOISE_KEY)).trim();
        assertFalse(id.toString().contains(noise));
        assertTrue(id.toString().contains(id.keyId()));
        assertFalse(id.noiseKeyPair().toString().contains(noise));
    }
}
