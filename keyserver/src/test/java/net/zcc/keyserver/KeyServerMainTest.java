package net.zcc.keyserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Option handling of {@link KeyServerMain} that needs no running server. */
class KeyServerMainTest {

    @TempDir
    Path home;

    @Test
    void helpExitsZero() {
        assertEquals(0, new CommandLine(new KeyServerMain()).execute("--help"));
    }

    @Test
    void missingHomeIsAUsageError() {
        assertEquals(2, new CommandLine(new KeyServerMain()).execute("--port", "0"));
    }

    @Test
    void onlyLoopbackBindIsAccepted() {
        assertEquals(2, new CommandLine(new KeyServerMain()).execute("--home", home.toString(), "--bind", "0.0.0.0"));
    }
}
