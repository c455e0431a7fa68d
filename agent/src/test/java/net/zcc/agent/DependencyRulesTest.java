package net.zcc.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.zcc.agent.testing.JavaSources;
import org.junit.jupiter.api.Test;

/**
 * Which code may use what, checked on the main sources of every module (as Tailscale's deps_test
 * does), from here because the agent's tests run after the other modules are built. A use is an
 * import or a fully qualified name in the code ({@link JavaSources}), not a mention in a comment
 * or a string.
 *
 * <p>DESIGN.md 1: jmx-api is the shared API and depends on nothing of ours; the agent and the key
 * server meet only in its contract ({@code net.zcc.contract}); the data path stays free of I/O,
 * native code, configuration, management and the key server client, so it can be tested in memory.
 */
class DependencyRulesTest {

    private static final JavaSources AGENT = JavaSources.under(Path.of("src/main/java/net/zcc/agent"));
    private static final JavaSources JMX_API = JavaSources.under(Path.of("../jmx-api/src/main/java/net/zcc"));
    private static final JavaSources KEYSERVER = JavaSources.under(Path.of("../keyserver/src/main/java/net/zcc/keyserver"));
    /** The packet path: packets in, verdicts out. The connection table lives in {@code path}. */
    private static final List<String> PACKET_PATH = List.of("wire/", "path/", "crypto/");

    // ---- jmx-api

    @Test
    void jmxApiUsesNothingOfTheOtherModules() {
        for (String other : List.of("net.zcc.agent", "net.zcc.keyserver", "net.zcc.console")) {
            assertEquals(Set.of(), JMX_API.users(other), other);
        }
    }

    /** The contract is taken by every side: the JDK only, and nothing else of jmx-api. */
    @Test
    void theContractIsJdkOnly() {
        List<String> allowed = List.of("java", "javax", "org.xml.sax", "com.sun.security.auth.module.UnixSystem",
                "net.zcc.contract");
        Set<String> bad = new TreeSet<>();
        for (String file : JMX_API.files()) {
            if (file.startsWith("contract/")) {
                JMX_API.references(file).stream().filter(n -> allowed.stream().noneMatch(a -> JavaSources.matches(n, a)))
                        .forEach(n -> bad.add(file + ": " + n));
            }
        }
        assertEquals(Set.of(), bad);
    }

    // ---- key server

    @Test
    void theKeyServerUsesNeitherTheConsoleNorTheAgent() {
        assertEquals(Set.of(), KEYSERVER.users("net.zcc.console"));
        assertEquals(Set.of(), KEYSERVER.users("net.zcc.agent"));
    }

    /** The root package (KeyServer, KeyServerMain) assembles the parts; no part looks back at it. */
    @Test
    void theKeyServerPartsNeverUseTheRootPackage() {
        Set<String> bad = new TreeSet<>();
        for (String file : KEYSERVER.files()) {
            if (file.contains("/")) {
                KEYSERVER.references(file).stream().filter(n -> JavaSources.packageOf(n).equals("net.zcc.keyserver"))
                        .forEach(n -> bad.add(file + ": " + n));
            }
        }
        assertEquals(Set.of(), bad);
    }

    // ---- agent

    /** The key server's classes are on the agent's test classpath only; main code never links them. */
    @Test
    void theAgentNeverUsesTheKeyServerNorTheConsole() {
        assertEquals(Set.of(), AGENT.users("net.zcc.keyserver"));
        assertEquals(Set.of(), AGENT.users("net.zcc.console"));
    }

    @Test
    void jnaOnlyInTheNetlinkEdge() {
        assertEquals(Set.of("nfqueue/Libc.java", "nfqueue/NetlinkSocket.java"), AGENT.users("com.sun.jna"));
    }

    @Test
    void wireAndCryptoArePure() {
        for (String pkg : List.of("wire/", "crypto/")) {
            Set<String> bad = inPackage(pkg, usersOfAny(AGENT, "java.io.File*", "java.nio.file", "java.nio.channels",
                    "java.net.Socket*", "java.net.DatagramSocket", "java.net.ServerSocket", "net.zcc.agent.nfqueue",
                    "net.zcc.agent.configd", "net.zcc.agent.path"));
            bad.addAll(inPackage(pkg, AGENT.codeMatching("\\bSystem\\s*\\.\\s*(getLogger|Logger)\\b")));
            assertEquals(Set.of(), bad, pkg + " must not do I/O, log or know the other layers");
        }
    }

    /** The packet path knows no configuration daemon, management, key server client or netlink. */
    @Test
    void thePacketPathKnowsNoConfigurationManagementKeyServerNorNetlink() {
        for (String pkg : PACKET_PATH) {
            Set<String> bad = inPackage(pkg, usersOfAny(AGENT, "net.zcc.agent.configd", "net.zcc.agent.management",
                    "javax.management", "net.zcc.jmx", "org.jolokia", "net.zcc.agent.remote", "net.zcc.agent.nfqueue.Netlink*",
                    "com.sun.jna"));
            assertEquals(Set.of(), bad, pkg);
        }
    }

    /** Issue 12: Jolokia lives in the management package only (the packet path rule above covers the rest). */
    @Test
    void jolokiaOnlyInTheManagementPackage() {
        Set<String> outside = new TreeSet<>(AGENT.users("org.jolokia"));
        outside.removeIf(f -> f.startsWith("management/"));
        assertEquals(Set.of(), outside);
    }

    /** The key server edge stays one package: only {@code remote} speaks XML-RPC or HTTP. */
    @Test
    void xmlRpcAndHttpOnlyInTheRemotePackage() {
        for (String api : List.of("org.apache.xmlrpc", "java.net.http")) {
            Set<String> outside = new TreeSet<>(AGENT.users(api));
            outside.removeIf(f -> f.startsWith("remote/"));
            assertEquals(Set.of(), outside, api);
        }
    }

    private static Set<String> usersOfAny(JavaSources sources, String... patterns) {
        Set<String> out = new TreeSet<>();
        for (String p : patterns) {
            out.addAll(sources.users(p));
        }
        return out;
    }

    private static Set<String> inPackage(String pkg, Set<String> files) {
        Set<String> out = new TreeSet<>(files);
        out.removeIf(f -> !f.startsWith(pkg));
        return out;
    }
}
