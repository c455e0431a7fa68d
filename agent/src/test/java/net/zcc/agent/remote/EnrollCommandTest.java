package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zcc enroll} usage: what it refuses before touching the network, and the ways to give the token. */
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
    void helpWarnsAboutTokensOnTheCommandLine() {
        LiveKeyServer.Run r = LiveKeyServer.zcc("enroll", "--help");
        assertTrue(r.out().contains("--token-file") && r.out().contains("/proc/PID/cmdline")
                && r.out().contains("standard input"), r.out());
    }

    @Test
    void theTokenIsGivenExactlyOnce() throws Exception {
        Path ca = tmp.resolve("ca.pem");
        Files.writeString(ca, "unused");
        Path tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, "t\n");
        String[] common = {"--server", "https://127.0.0.1:8443", "--ca-cert", ca.toString(), "--address", "198.18.0.9",
            "--identity", tmp.resolve("id").toString()};
        LiveKeyServer.Run both = LiveKeyServer.zcc(concat(new String[] {"enroll", "--token", "t", "--token-file",
            tokenFile.toString()}, common));
        assertEquals(2, both.code(), both.toString());
        LiveKeyServer.Run none = LiveKeyServer.zcc(concat(new String[] {"enroll"}, common));
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("--token-file"), none.err());
        assertEquals(2, LiveKeyServer.zcc("enroll", "--finish", "--token-file", tokenFile.toString()).code());
        Files.writeString(tokenFile, "\nsecond line\n");
        LiveKeyServer.Run empty = LiveKeyServer.zcc(concat(new String[] {"enroll", "--token-file", tokenFile.toString()},
                common));
        assertEquals(2, empty.code(), empty.toString());
        assertTrue(empty.err().contains("no token"), empty.err());
        LiveKeyServer.Run missing = LiveKeyServer.zcc(concat(new String[] {"enroll", "--token-file",
            tmp.resolve("absent").toString()}, common));
        assertEquals(3, missing.code(), missing.toString());
        assertFalse(Files.exists(tmp.resolve("id")), "nothing created when the token cannot be read");
    }

    @Test
    void tokenFromAFileOrStandardInputEnrolls() throws Exception {
        try (LiveKeyServer ks = new LiveKeyServer(tmp)) {
            Path privateFile = tmp.resolve("token-private");
            String token1 = ks.token();
            Files.writeString(privateFile, token1 + "\n");
            Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            LiveKeyServer.Run fromFile = LiveKeyServer.zcc(enrollArgs(ks, "--token-file", privateFile.toString(),
                    tmp.resolve("host-1"), "198.18.50.1"));
            assertEquals(5, fromFile.code(), "requested, waiting for approval: " + fromFile);
            assertFalse(fromFile.err().contains("warning"), fromFile.err());
            assertFalse((fromFile.out() + fromFile.err()).contains(token1), "the token is not printed");

            Path openFile = tmp.resolve("token-open");
            String token2 = ks.token();
            Files.writeString(openFile, "  " + token2 + "  \nignored\n");
            Files.setPosixFilePermissions(openFile, PosixFilePermissions.fromString("rw-r--r--"));
            LiveKeyServer.Run warned = LiveKeyServer.zcc(enrollArgs(ks, "--token-file", openFile.toString(),
                    tmp.resolve("host-2"), "198.18.50.2"));
            assertEquals(5, warned.code(), warned.toString());
            assertTrue(warned.err().contains("warning") && warned.err().contains("chmod 600"), warned.err());

            String token3 = ks.token();
            InputStream stdin = System.in;
            LiveKeyServer.Run fromStdin;
            try {
                System.setIn(new ByteArrayInputStream((token3 + "\n").getBytes(StandardCharsets.US_ASCII)));
                fromStdin = LiveKeyServer.zcc(enrollArgs(ks, "--token", "-", tmp.resolve("host-3"), "198.18.50.3"));
            } finally {
                System.setIn(stdin);
            }
            assertEquals(5, fromStdin.code(), fromStdin.toString());
            assertFalse((fromStdin.out() + fromStdin.err()).contains(token3), "the token is not printed");

            LiveKeyServer.Run used = LiveKeyServer.zcc(enrollArgs(ks, "--token-file", privateFile.toString(),
                    tmp.resolve("host-4"), "198.18.50.4"));
            assertEquals(1, used.code(), "the token in the file was really used: " + used);
        }
    }

    private static String[] enrollArgs(LiveKeyServer ks, String tokenOption, String tokenValue, Path dir, String address) {
        return new String[] {"enroll", "--server", ks.url(), tokenOption, tokenValue, "--ca-cert", ks.caFile().toString(),
            "--identity", dir.toString(), "--address", address};
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void finishWithoutAnIdentityIsAnIoError() {
        LiveKeyServer.Run r = LiveKeyServer.zcc("enroll", "--finish", "--identity", tmp.resolve("none").toString());
        assertEquals(3, r.code(), r.toString());
    }
}
