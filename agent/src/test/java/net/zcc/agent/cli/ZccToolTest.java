package net.zcc.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZccToolTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run zcc(String... args) {
        List<String> a = new ArrayList<>(List.of("--file", dir.resolve("services.xml").toString(),
                "--pid-file", dir.resolve("none.pid").toString()));
        a.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ZccTool.run(a.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private ServiceFile file() throws Exception {
        return ServiceFileParser.withBuiltInSchemes().parse(dir.resolve("services.xml"));
    }

    @Test
    void addCreatesTheFileAndSaysTheDaemonIsNotRunning() throws Exception {
        Run r = zcc("service", "add", "--name", "web", "--host", "198.18.0.2", "--port", "80", "--type", "server");
        assertEquals(ZccTool.NOT_RUNNING, r.code(), r.err());
        assertTrue(r.err().contains("zcc_configd is not running"), r.err());
        assertEquals(1, file().services().size());
        assertTrue(file().services().get(0).encrypt());
    }

    @Test
    void editsKeepThePreviousVersionAndValidateTheWholeFile() throws Exception {
        zcc("service", "add", "--name", "web", "--host", "198.18.0.2", "--port", "80", "--type", "server");
        Run dup = zcc("service", "add", "--name", "web2", "--host", "198.18.0.2", "--port", "80", "--type", "server");
        assertEquals(ZccTool.INVALID, dup.code());
        assertTrue(dup.err().contains("duplicate service 198.18.0.2 port 80 type server"), dup.err());
        assertEquals(1, file().services().size(), "nothing saved");

        zcc("service", "add", "--name", "db", "--host", "2001:2::5", "--port", "5432", "--type", "client",
                "--scheme", "chacha20", "--compress", "--policy", "opportunistic");
        assertEquals(1, ServiceFileParser.withBuiltInSchemes().parse(dir.resolve("services.xml.bak")).services().size());
        assertEquals(ZccTool.NOT_RUNNING, zcc("service", "disable", "web").code());
        assertFalse(file().byName("web").orElseThrow().encrypt());
        zcc("service", "enable", "web");
        assertTrue(file().byName("web").orElseThrow().encrypt());
        zcc("service", "remove", "db");
        assertTrue(file().byName("db").isEmpty());
        assertEquals(ZccTool.INVALID, zcc("service", "remove", "nope").code());
    }

    @Test
    void badArgumentsAreRefusedInWords() {
        Run r = zcc("service", "add", "--name", "x", "--host", "db.example", "--port", "80", "--type", "server");
        assertEquals(ZccTool.INVALID, r.code());
        assertTrue(r.err().contains("host names are not allowed"), r.err());
        Run s = zcc("service", "add", "--name", "x", "--host", "198.18.0.2", "--port", "80", "--type", "server",
                "--scheme", "des");
        assertTrue(s.err().contains("unknown scheme \"des\""), s.err());
        assertEquals(2, zcc("service", "add", "--name", "x").code(), "missing options is a usage error");
        assertFalse(Files.exists(dir.resolve("services.xml")));
    }

    @Test
    void listValidateAndExport() throws Exception {
        zcc("service", "add", "--name", "web", "--host", "198.18.0.2", "--port", "80", "--type", "server");
        Run list = zcc("service", "list");
        assertEquals(0, list.code());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("web ") && l.contains("198.18.0.2")), list.out());
        assertEquals(0, zcc("validate").code());
        Run xml = zcc("export");
        assertTrue(xml.out().contains("<service name=\"web\""), xml.out());
        Run nft = zcc("export", "--nft");
        assertTrue(nft.out().contains("add element inet zcc server4 { 198.18.0.2 . 80 }"), nft.out());

        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, "<services><service name='a'/></services>");
        Run v = zcc("validate", bad.toString());
        assertEquals(ZccTool.INVALID, v.code());
        assertTrue(v.err().contains(bad + ":1:11: service \"a\": missing required attributes"), v.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] c : List.of(new String[] {"--help"}, new String[] {"service", "--help"},
                new String[] {"service", "add", "--help"}, new String[] {"validate", "--help"},
                new String[] {"export", "--help"}, new String[] {"reload", "--help"})) {
            Run r = zcc(c);
            assertEquals(0, r.code(), String.join(" ", c));
            assertTrue(r.out().contains("Usage:"), r.out());
        }
        assertTrue(zcc("--help").out().contains("Exit codes:"));
    }
}
