package net.zcc.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The gate of every root-only namespace test (*IT). Outside CI a test that cannot run skips
 * itself and prints why; when {@code ZCC_REQUIRE_NAMESPACE_TESTS=1} (set by {@code .ci/run}) the
 * same condition fails the test, so CI can never go green with its most important tests skipped.
 */
public final class NamespaceTests {
    /** The environment variable that turns a skip into a failure. */
    public static final String REQUIRE = "ZCC_REQUIRE_NAMESPACE_TESTS";

    private NamespaceTests() {
    }

    /** Needs root: network namespaces, nft rules and NFQUEUE sockets. */
    public static void assumeRoot() {
        require("root".equals(System.getProperty("user.name")),
                "needs root: creates network namespaces, nft rules and NFQUEUE sockets; run them as root or in CI");
    }

    /** Needs the iptables-nft tools (the NFQUEUE target is reached through them here). */
    public static void assumeIptables() {
        require(Files.isExecutable(Path.of("/usr/sbin/iptables")) || Files.isExecutable(Path.of("/sbin/iptables")),
                "needs iptables (apt-get install -y iptables)");
    }

    private static void require(boolean ok, String why) {
        if (ok) {
            return;
        }
        if ("1".equals(System.getenv(REQUIRE))) {
            Assertions.fail(REQUIRE + "=1 and a namespace test cannot run: " + why);
        }
        System.err.println("SKIPPED " + callingTests() + ": " + why);
        Assumptions.assumeTrue(false, why);
    }

    /**
     * "ConfigdIT (6 tests)": the namespace test class that asked, and how many tests it holds. A
     * skip in {@code @BeforeAll} shows up in failsafe's summary as zero tests run, so this line is
     * what names what was not run.
     */
    private static String callingTests() {
        Class<?> test = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(c -> c.getSimpleName().endsWith("IT")).findFirst().orElse(null));
        if (test == null) {
            return "a namespace test";
        }
        long n = java.util.Arrays.stream(test.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(org.junit.jupiter.api.Test.class)
                        || m.isAnnotationPresent(org.junit.jupiter.params.ParameterizedTest.class))
                .count();
        return test.getSimpleName() + " (" + n + (n == 1 ? " test)" : " tests)");
    }
}
