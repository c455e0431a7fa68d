package net.zcc.agent.configd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gives the JVM the seed's process name, so {@code pgrep -x zcc_configd} and
 * {@code pkill -HUP -x zcc_configd} work. Writing {@code /proc/self/comm} renames the thread
 * group leader, whose name is what pgrep matches.
 */
final class ProcessName {
    private ProcessName() {
    }

    static void set(String name) throws IOException {
        Files.write(Path.of("/proc/self/comm"), name.getBytes(StandardCharsets.US_ASCII));
    }
}
