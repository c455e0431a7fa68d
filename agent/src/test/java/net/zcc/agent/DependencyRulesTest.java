package net.zcc.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Which package may use what, checked on the sources (as Tailscale's deps_test does): the data
 * path stays free of I/O, native code and configuration plumbing, so it can be tested in memory.
 */
class DependencyRulesTest {
    private static final Path MAIN = Path.of("src/main/java/net/zcc/agent");

    @Test
    void jnaOnlyInTheNetlinkEdge() {
        assertEquals(List.of("nfqueue/Libc.java", "nfqueue/NetlinkSocket.java"), users("com.sun.jna"));
    }

    @Test
    void wireAndCryptoArePure() {
        for (String pkg : List.of("wire", "crypto")) {
            List<String> bad = Stream.of("java.io.File", "java.nio.file", "java.net.Socket", "net.zcc.agent.nfqueue",
                            "net.zcc.agent.configd", "net.zcc.agent.path", "System.getLogger")
                    .flatMap(s -> users(s).stream().filter(f -> f.startsWith(pkg + "/")))
                    .distinct().toList();
            assertEquals(List.of(), bad, pkg + " must not do I/O or know the other layers");
        }
    }

    @Test
    void theDataPathKnowsNoConfigurationDaemonNorNetlink() {
        List<String> bad = Stream.of("net.zcc.agent.configd", "net.zcc.agent.nfqueue.Netlink", "com.sun.jna")
                .flatMap(s -> users(s).stream().filter(f -> f.startsWith("path/")))
                .distinct().toList();
        assertEquals(List.of(), bad);
    }

    /** Issue 12: the packet path knows no management code; management reads the path's counters, never the reverse. */
    @Test
    void thePacketPathKnowsNoManagementNorRemote() {
        List<String> bad = Stream.of("net.zcc.agent.management", "net.zcc.agent.remote", "net.zcc.agent.configd",
                        "org.jolokia", "javax.management")
                .flatMap(s -> users(s).stream().filter(f -> f.startsWith("path/") || f.startsWith("wire/")
                        || f.startsWith("crypto/")))
                .distinct().toList();
        assertEquals(List.of(), bad);
        assertEquals(List.of(), users("org.jolokia").stream().filter(f -> !f.startsWith("management/")).toList(),
                "Jolokia only in the management package");
    }

    /** The key server edge stays one package: only {@code remote} speaks XML-RPC or HTTP. */
    @Test
    void xmlRpcAndHttpOnlyInTheRemotePackage() {
        for (String needle : List.of("import org.apache.xmlrpc", "import java.net.http")) {
            List<String> outside = users(needle).stream().filter(f -> !f.startsWith("remote/")).toList();
            assertEquals(List.of(), outside, needle);
        }
    }

    /** The key server's classes are on the agent's test classpath only; main code never links them. */
    @Test
    void theAgentNeverLinksTheKeyServer() {
        assertEquals(List.of(), users("net.zcc.keyserver"));
    }

    private static List<String> users(String needle) {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains(needle))
                    .map(f -> MAIN.relativize(f).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
