package net.zcc.agent.configd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Finds the running zcc_configd through its pid file and asks it to reload. */
public final class DaemonSignal {
    public static final String PROCESS_NAME = "zcc_configd";

    private DaemonSignal() {
    }

    /** Where the daemon writes its counters unless told otherwise: next to its pid file. */
    public static Path defaultStatsFile(Path pidFile) {
        return pidFile.resolveSibling("zcc_configd.stats");
    }

    /**
     * The daemon's pid, if the pid file names a live process called zcc_configd. Checking the
     * name keeps a stale pid file from making us signal whatever process reused the number.
     */
    public static OptionalLong runningPid(Path pidFile) throws IOException {
        String text;
        try {
            text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(pidFile + " does not hold a process id: \"" + text + "\"");
        }
        try {
            String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8).strip();
            return PROCESS_NAME.equals(comm) ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    /** Sends SIGHUP; returns false if no daemon is running. */
    public static boolean reload(Path pidFile) throws IOException {
        OptionalLong pid = runningPid(pidFile);
        if (pid.isEmpty()) {
            return false;
        }
        Command.Result r = Command.run(List.of("kill", "-HUP", Long.toString(pid.getAsLong())), null);
        if (!r.ok()) {
            throw new IOException("cannot signal zcc_configd (pid " + pid.getAsLong() + "): " + r.why());
        }
        return true;
    }
}
