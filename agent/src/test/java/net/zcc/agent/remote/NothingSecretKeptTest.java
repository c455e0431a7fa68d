package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Nothing secret is kept": after relayed handshakes (a first one and three rekeys) between two
 * enrolled agents, neither the key server's Derby directory nor any log (key server at DEBUG,
 * agents at ALL, Derby's own stream) holds a handshake's ephemeral public key or a derived
 * session key, in raw, hex or base64 form. The same search finds the hosts' static public keys in
 * the Derby files, which shows that it can see what the store writes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NothingSecretKeptTest {

    @TempDir
    Path tmp;

    @Test
    void handshakesLeaveNoEphemeralKeyAndNoSessionKeyInDerbyOrAnyLog() throws Exception {
        Path ksLog = tmp.resolve("keyserver.log");
        List<String> cmd = List.of("java", "-Xmx256m", "-cp", testClasspath(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-Dorg.slf4j.simpleLogger.logFile=" + ksLog,
                SecretKeepingScenario.class.getName(), tmp.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "scenario finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("DONE"), out);

        List<byte[]> secrets = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<byte[]> publics = new ArrayList<>();
        int ephemerals = 0;
        int sessions = 0;
        for (String line : out.lines().toList()) {
            String[] f = line.split(" ");
            if (line.startsWith("SECRET ")) {
                secrets.add(HexFormat.of().parseHex(f[2]));
                ephemerals += f[1].equals("ephemeral") ? 1 : 0;
                sessions += f[1].equals("session") ? 1 : 0;
            } else if (line.startsWith("TOKEN ")) {
                tokens.add(f[1]);
            } else if (line.startsWith("PUBLIC ")) {
                publics.add(HexFormat.of().parseHex(f[1]));
            }
        }
        assertTrue(ephemerals >= 8, "4 handshakes, 2 ephemerals each: " + ephemerals);
        assertTrue(sessions >= 5, "first key, 3 rekeys, responder's copy: " + sessions);

        List<Path> searched = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tmp.resolve("ks"))) {
            files.filter(Files::isRegularFile).forEach(searched::add);
        }
        assertTrue(searched.stream().anyMatch(f -> f.toString().contains("seg0")), "Derby's data files are searched");
        searched.add(ksLog);
        searched.add(tmp.resolve("agent.log"));
        assertTrue(Files.size(ksLog) > 0 && Files.size(tmp.resolve("agent.log")) > 0, "both logs were written");

        for (Path f : searched) {
            byte[] content = Files.readAllBytes(f);
            for (byte[] s : secrets) {
                for (byte[] form : forms(s)) {
                    assertTrue(indexOf(content, form) < 0, "a secret (" + HexFormat.of().formatHex(s, 0, 4)
                            + "...) found in " + tmp.relativize(f));
                }
            }
        }
        // Enrollment tokens are secrets too (the store keeps only their hashes); the audit trail
        // names hosts and admins, never a token.
        assertEquals(2, tokens.size(), "two enrollments");
        String ksText = Files.readString(ksLog);
        for (String t : tokens) {
            for (Path f : searched) {
                assertTrue(indexOf(Files.readAllBytes(f), ascii(t)) < 0, "a token found in " + tmp.relativize(f));
            }
        }
        assertTrue(ksText.contains("zcc.audit") && ksText.contains("enrollment: host")
                && ksText.contains("approve host") && ksText.contains("certificate issued to host"),
                "the audit trail records enrollment, approval and certificates");
        // Positive control: the store does hold the static keys, hex-encoded; the same search finds them.
        for (byte[] pub : publics) {
            boolean found = false;
            for (Path f : searched) {
                byte[] content = Files.readAllBytes(f);
                for (byte[] form : forms(pub)) {
                    found |= indexOf(content, form) >= 0;
                }
            }
            assertTrue(found, "the search finds a static public key the store keeps");
        }
        System.out.printf("searched %d files (Derby directory and logs) for %d ephemeral keys and %d session keys:"
                + " none found; static keys found (control)%n", searched.size(), ephemerals, sessions);
    }

    /** Raw, lower- and upper-case hex, base64 (with and without padding) and URL-safe base64. */
    private static List<byte[]> forms(byte[] s) {
        String hex = HexFormat.of().formatHex(s);
        String b64 = Base64.getEncoder().encodeToString(s);
        return List.of(s, ascii(hex), ascii(hex.toUpperCase(Locale.ROOT)), ascii(b64),
                ascii(b64.replace("=", "")), ascii(Base64.getUrlEncoder().withoutPadding().encodeToString(s)));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String testClasspath() throws IOException {
        return Path.of("target", "classes").toAbsolutePath() + ":" + Path.of("target", "test-classes").toAbsolutePath()
                + ":" + Files.readString(Path.of("target", "test.classpath")).strip();
    }
}
