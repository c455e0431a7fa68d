package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zcc enroll} usage: what it refuses before touching the network. */
class EnrollCommandTest {

    @TempDir
    Path tmp;

    @Test
    void helpListsTheExitCodes() {
        LiveKeyServer.Run r = LiveKeyServer.zcc("enroll", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Exit codes") && r.out().contains("--finish") && r.out().contains("not approved yet"),
                r.out());
    }

    @Test
    void addressesAreNotGuessed() throws Exception {
        Path ca = tmp.resolve("ca.pem");
        Files.writeString(ca, "unused");
        LiveKeyServer.Run r = LiveKeyServer.zcc("enroll", "--server", "https://127.0.0.1:8443", "--token", "t",
                "--ca-cert", ca.toString(), "--identity", tmp.resolve("id").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--address"), r.err());
        assertFalse(Files.exists(tmp.resolve("id")), "nothing created on a usage error");
    }

    @Test
    void wrongCombinationsAreUsageErrors() {
        assertEquals(2, LiveKeyServer.zcc("enroll", "--finish", "--token", "t").code());
        assertEquals(2, LiveKeyServer.zcc("enroll", "--token", "t").code());
        assertEquals(2, LiveKeyServer.zcc("enroll", "--finish", "--wait", "soon").code());
        LiveKeyServer.Run hostName = LiveKeyServer.zcc("enroll", "--server", "https://127.0.0.1:8443", "--token", "t",
                "--ca-cert", "x", "--address", "db.example", "--identity", tmp.resolve("id").toString());
        assertEquals(2, hostName.code(), hostName.toString());
    }

    @Test
    void finishWithoutAnIdentityIsAnIoError() {
        LiveKeyServer.Run r = LiveKeyServer.zcc("enroll", "--finish", "--identity", tmp.resolve("none").toString());
        assertEquals(3, r.code(), r.toString());
    }
}
