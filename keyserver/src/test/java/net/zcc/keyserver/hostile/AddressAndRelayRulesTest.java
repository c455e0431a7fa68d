package net.zcc.keyserver.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.KeyServerConfig;
import net.zcc.keyserver.api.Admin;
import net.zcc.keyserver.api.Enroll;
import net.zcc.keyserver.relay.SendResult;
import org.apache.xmlrpc.XmlRpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's address and relay rules on a real key server: refused address kinds with their
 * message, a pending request reserves nothing, approval shows conflicts, revocation and deletion
 * release addresses; the relay refuses unknown and pending destinations and keeps a flooding
 * sender from blocking another sender's handshake.
 */
class AddressAndRelayRulesTest {

    @TempDir
    Path home;

    private KeyServer start() throws Exception {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        KeyServer server = new KeyServer(KeyServerConfig.defaults(home.resolve("ks"), "zcc", "test-only-password".toCharArray())
                .withAdmins(Set.of(KeyId.of(seed))).withServerAddresses(List.of(InetAddress.getByName("198.18.99.99"))));
        server.start();
        admin = Fleet.adminHandler(server, KeyId.of(seed));
        return server;
    }

    private Admin admin;

    private String request(KeyServer server, Fleet.Member m, String... addresses) throws Exception {
        String token = (String) admin.issueToken(600).get("token");
        m.id = new KeyId(new Enroll(server.api()).request(token, m.x25519B64(), addresses, m.tlsB64()));
        return m.id.hex();
    }

    @Test
    void refusedAddressesAreNamedWithTheirReason() throws Exception {
        try (KeyServer server = start()) {
            Map<String, String> refused = Map.of("0.0.0.0", "unspecified", "::", "unspecified",
                    "127.0.0.1", "loopback", "::1", "loopback", "255.255.255.255", "broadcast",
                    "224.0.0.1", "multicast", "ff02::1", "multicast", "198.18.99.99", "the key server's own");
            String token = (String) admin.issueToken(600).get("token");
            for (var e : refused.entrySet()) {
                Fleet.Member m = new Fleet.Member(e.getKey());
                XmlRpcException x = assertThrows(XmlRpcException.class, () -> new Enroll(server.api())
                        .request(token, m.x25519B64(), new Object[] {"198.18.21.1", e.getKey()}, m.tlsB64()));
                assertEquals(RpcFault.ADDRESS_REFUSED.code(), x.code, e.getKey());
                assertTrue(x.getMessage().contains(e.getValue()) && x.getMessage().contains("cannot belong to a host"),
                        x.getMessage());
            }
            Fleet.Member ok = new Fleet.Member("198.18.21.1");
            assertEquals(32, new Enroll(server.api()).request(token, ok.x25519B64(), new Object[] {"198.18.21.1"},
                    ok.tlsB64()).length(), "the token was not used up by the refusals");
        }
    }

    @Test
    void pendingReservesNothingApprovalBindsRevocationAndDeletionRelease() throws Exception {
        try (KeyServer server = start()) {
            Fleet.Member first = new Fleet.Member("198.18.22.1");
            Fleet.Member squatter = new Fleet.Member("198.18.22.1");
            request(server, first, "198.18.22.1");
            request(server, squatter, "198.18.22.1", "198.18.22.2"); // accepted: a request reserves nothing
            assertTrue(admin.approve(first.id.hex()));
            XmlRpcException x = assertThrows(XmlRpcException.class, () -> admin.approve(squatter.id.hex()));
            assertEquals(RpcFault.ADDRESS_CONFLICT.code(), x.code);
            assertTrue(x.getMessage().contains("198.18.22.1 (bound to host " + first.id.hex() + ")"), x.getMessage());
            Map<?, ?> listed = Arrays.stream(admin.hosts()).map(h -> (Map<?, ?>) h)
                    .filter(h -> squatter.id.hex().equals(h.get("keyId"))).findFirst().orElseThrow();
            assertEquals(1, ((Object[]) listed.get("conflicts")).length, "the admin sees the conflict");

            assertTrue(admin.revoke(first.id.hex()), "revocation releases 198.18.22.1");
            Fleet.Member replacement = new Fleet.Member("198.18.22.1");
            request(server, replacement, "198.18.22.1");
            assertTrue(admin.approve(replacement.id.hex()), "a replacement host enrolls at the revoked host's address");

            assertTrue(admin.deleteHost(replacement.id.hex()), "deletion releases it too");
            assertTrue(admin.approve(squatter.id.hex()));
            assertTrue(admin.releaseAddress("198.18.22.2"));
            assertEquals(List.of(InetAddress.getByName("198.18.22.1")),
                    server.api().hosts().host(squatter.id).orElseThrow().addresses());
        }
    }

    @Test
    void relayRefusesUnknownAndPendingDestinationsAndKeepsPairsApart() throws Exception {
        try (KeyServer server = start()) {
            Fleet.Member a = Fleet.host(server, admin, "198.18.23.1");
            Fleet.Member b = Fleet.host(server, admin, "198.18.23.2");
            Fleet.Member flooder = Fleet.host(server, admin, "198.18.23.3");
            Fleet.Member pending = new Fleet.Member("198.18.23.4");
            request(server, pending, "198.18.23.4");
            byte[] madeUp = new byte[32];
            new SecureRandom().nextBytes(madeUp);
            assertEquals(404, send(server, a, pending.id), "pending destination");
            assertEquals(404, send(server, a, KeyId.of(madeUp)), "made-up destination");
            int queued = 0;
            int refused = 0;
            for (int i = 0; i < 40; i++) {
                int status = send(server, flooder, b.id);
                queued += status == 204 ? 1 : 0;
                refused += status == 429 ? 1 : 0;
            }
            assertEquals(4, queued, "the flooder's quota for B");
            assertEquals(36, refused);
            assertEquals(204, send(server, a, b.id), "A's handshake message to B still gets through");
            assertEquals(SendResult.PAIR_FULL.reason(), "too many messages from this sender waiting for the destination");
        }
    }

    private static int send(KeyServer server, Fleet.Member from, KeyId to) throws Exception {
        HttpResponse<Void> r = from.http.send(HttpRequest.newBuilder(server.baseUri().resolve(RelayWire.sendPath(to)))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofByteArray(
                        RelayWire.sendBody(from.x25519, new byte[48]))).build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }
}
