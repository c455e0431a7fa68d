package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SerialFilter.denyAll in a fresh JVM each time (a JVM-wide filter cannot be unset in this one). */
class SerialFilterTest {

    @Test
    void denyAllRefusesEveryClass() throws Exception {
        assertEquals("installed=true again=false refused", probe());
    }

    @Test
    void anOperatorsFilterIsKept() throws Exception {
        assertEquals("installed=false again=false deserialised", probe("-Djdk.serialFilter=java.util.*;java.lang.*;!*"));
    }

    private static String probe(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SerialFilterProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
