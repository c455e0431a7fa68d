package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Undoes signal dispositions a daemon must not inherit.
 *
 * <p>A signal ignored when a process starts stays ignored across exec ({@code nohup}, some CI
 * runners and service managers start children that way). The JVM then silently declines to
 * install a handler for it: {@code sun.misc.Signal.handle} returns without error and the signal
 * keeps being ignored, so zcc_configd would never reload on SIGHUP. This was the cause of the
 * "ConfigdIT never sees its first reload" failures (issue 10). Resetting an ignored signal to its
 * default before the handlers are installed makes the daemon behave the same however it was
 * started. This lives beside {@link Libc} because all native code stays in this package.
 */
public final class InheritedSignals {
    /** Linux signal numbers (the same on every architecture we build for). */
    private static final Map<String, Integer> NUMBERS = Map.of("HUP", 1, "INT", 2, "TERM", 15);
    private static final long SIG_DFL = 0;
    private static final long SIG_ERR = -1;

    private InheritedSignals() {
    }

    /**
     * Resets each named signal that this process inherited as ignored to its default action.
     *
     * @param names signal names without "SIG" (HUP, INT, TERM)
     * @return the names that were ignored and are now reset (empty in the usual case)
     * @throws IOException if the process status cannot be read or libc refuses the reset
     */
    public static List<String> restoreDefaults(List<String> names) throws IOException {
        long ignored = ignoredMask(Files.readAllLines(Path.of("/proc/self/status")));
        List<String> restored = new ArrayList<>();
        for (String name : names) {
            Integer n = NUMBERS.get(name);
            if (n == null) {
                throw new IllegalArgumentException("unknown signal " + name);
            }
            if ((ignored & (1L << (n - 1))) != 0) {
                if (Libc.signal(n, SIG_DFL) == SIG_ERR) {
                    throw new IOException("signal(SIG" + name + ", SIG_DFL) failed: errno " + Libc.errno());
                }
                restored.add(name);
            }
        }
        return restored;
    }

    /** The {@code SigIgn} bit mask of a {@code /proc/<pid>/status} file (bit n-1 = signal n). */
    static long ignoredMask(List<String> statusLines) throws IOException {
        for (String line : statusLines) {
            if (line.startsWith("SigIgn:")) {
                return Long.parseUnsignedLong(line.substring(7).strip(), 16);
            }
        }
        throw new IOException("no SigIgn line in /proc/self/status");
    }
}
