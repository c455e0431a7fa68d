package net.zcc.keyserver.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.KeyServerConfig;
import net.zcc.keyserver.api.Admin;
import net.zcc.keyserver.testing.TlsClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New connections from addresses that never showed a fleet certificate share one budget (16 a
 * second, burst 64, default limits), closed before any TLS work; a host that has connected with
 * its certificate before is not held to it (issue 11: the flood must not take the hosts' share).
 */
class UnprovenBudgetTest {
    @TempDir
    Path home;
    private KeyServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void unknownAddressesShareABudgetAProvenHostDoesNot() throws Exception {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        KeyId adminId = KeyId.of(seed);
        server = new KeyServer(KeyServerConfig.defaults(home.resolve("ks"), "zcc", "test-only-password".toCharArray())
                .withAdmins(Set.of(adminId)));
        server.start();
        Admin admin = Fleet.adminHandler(server, adminId);
        Fleet.Member host = Fleet.host(server, admin, "198.18.12.1");
        // The host shows its certificate once from 127.0.12.200: that address is proven from now on.
        Raw.connect(host.ctx, Raw.source(12, 199), server.baseUri()).close();

        SSLContext anonymous = TlsClients.fleetClient(server.fleetCa(), null, null);
        long t0 = System.nanoTime();
        int admitted = 0;
        int refused = 0;
        List<SSLSocket> open = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // 200 addresses, one connection each: no per-source cap applies
            try {
                open.add(Raw.connect(anonymous, Raw.source(13, i), server.baseUri()));
                admitted++;
            } catch (IOException e) {
                refused++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("200 anonymous connections from 200 new addresses in %.2f s: %d admitted, %d refused%n",
                seconds, admitted, refused);
        assertTrue(admitted <= 64 + 16 * seconds + 2, "at most the burst plus the rate got in: " + admitted);
        assertTrue(refused > 0);
        // The budget is spent: the proven host still gets in at once, an unknown address does not.
        Raw.connect(host.ctx, Raw.source(12, 199), server.baseUri()).close();
        int lateRefused = 0;
        for (int i = 200; i < 220; i++) {
            try {
                Raw.connect(anonymous, Raw.source(13, i), server.baseUri()).close();
            } catch (IOException e) {
                lateRefused++;
            }
        }
        assertTrue(lateRefused >= 10, "new unknown addresses still refused: " + lateRefused + " of 20");
        for (SSLSocket s : open) {
            s.close();
        }
        assertEquals(200, admitted + refused);
    }
}
