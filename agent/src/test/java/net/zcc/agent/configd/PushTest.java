package net.zcc.agent.configd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.zcc.servicefile.Schemes;
import net.zcc.servicefile.ServiceFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push with local override (issue 12): a central set merges with the local file (the local entry
 * for the same host, port and type wins and is reported), applies through the SIGHUP path, is
 * kept on disk across restarts and SIGHUPs; an older or equal revision or an invalid document is
 * refused with the parser's located messages and changes nothing.
 */
class PushTest {
    @TempDir
    Path dir;
    Path local;
    final List<String> rulesets = new java.util.ArrayList<>();
    final AtomicReference<ServiceFile> applied = new AtomicReference<>();

    static String doc(String... services) {
        return "<?xml version=\"1.0\"?>\n<services version=\"1\">\n" + String.join("\n", services) + "\n</services>\n";
    }

    static String svc(String name, String host, int port, String type) {
        return "  <service name=\"" + name + "\" host=\"" + host + "\" port=\"" + port + "\" type=\"" + type
                + "\" scheme=\"aes-256\" encrypt=\"true\"/>";
    }

    Reloader reloader() {
        Firewall fw = new Firewall() {
            @Override
            public Interception probe() {
                return Interception.NATIVE;
            }

            @Override
            public void apply(String nftScript) {
                rulesets.add(nftScript);
            }

            @Override
            public void installQueueRules(RuleOptions options) {
            }

            @Override
            public void uninstall(RuleOptions options) {
            }
        };
        return new Reloader(local, fw, new RuleOptions(0, 1, 0x00100000, Duration.ofDays(7), Interception.NATIVE),
                Schemes.BUILT_IN, applied::set, new CentralServices(dir.resolve("state")));
    }

    @BeforeEach
    void localFile() throws Exception {
        local = dir.resolve("services.xml");
        Files.writeString(local, doc(svc("db", "198.18.0.2", 5432, "server")));
    }

    @Test
    void aLocalEntryWinsAndIsReportedAsOverriding() {
        Reloader r = reloader();
        assertTrue(r.reload(Reloader.START).applied());
        Reloader.Outcome o = r.push(3, doc(svc("central-db", "198.18.0.2", 5432, "server"),
                svc("web", "198.18.0.3", 80, "server")));
        assertTrue(o.applied(), o.message());
        assertEquals(1, o.overridden().size());
        assertTrue(o.overridden().get(0).startsWith("198.18.0.2:5432/server central-db"), o.overridden().toString());
        var entries = r.active().merged().entries();
        assertEquals(List.of("db", "web"), entries.stream().map(e -> e.service().name()).toList());
        assertEquals(List.of("local", "central"), entries.stream().map(ServiceMerge.Entry::origin).toList());
        assertTrue(entries.get(0).overriding());
        assertEquals(3, entries.get(1).revision());
        assertEquals(2, applied.get().services().size(), "the data plane got the merge");
        assertTrue(rulesets.get(rulesets.size() - 1).contains("198.18.0.3"), "the kernel got it too");
    }

    @Test
    void anOlderOrEqualRevisionOrABadDocumentIsRefusedAndChangesNothing() throws Exception {
        Reloader r = reloader();
        r.reload(Reloader.START);
        assertTrue(r.push(5, doc(svc("web", "198.18.0.3", 80, "server"))).applied());
        var before = r.active();
        int applies = rulesets.size();
        for (long rev : new long[] {5, 4}) {
            Reloader.Outcome o = r.push(rev, doc(svc("other", "198.18.0.4", 81, "server")));
            assertFalse(o.applied());
            assertTrue(o.message().contains("not above"), o.message());
        }
        Reloader.Outcome bad = r.push(6, doc("  <service name=\"x\" host=\"example.org\" port=\"70000\" type=\"server\""
                + " scheme=\"aes-256\" encrypt=\"true\"/>"));
        assertFalse(bad.applied());
        assertFalse(bad.problems().isEmpty());
        assertTrue(bad.problems().get(0).startsWith("push r6:3:"), "located like the file parser: " + bad.problems());
        assertEquals(5, r.centralRevision());
        assertEquals(before, r.active());
        assertEquals(applies, rulesets.size(), "the kernel saw nothing");
        assertEquals(List.of("central-services.r5.xml"), files());
    }

    @Test
    void theCentralSetSurvivesARestartAndASighup() throws Exception {
        Reloader r = reloader();
        r.reload(Reloader.START);
        assertTrue(r.push(7, doc(svc("web", "198.18.0.3", 80, "server"))).applied());
        assertTrue(r.reload(Reloader.SIGHUP).applied());
        assertEquals(7, r.active().centralRevision(), "a SIGHUP keeps the central set");
        assertEquals(2, r.active().services().services().size());

        Reloader restarted = reloader();
        assertTrue(restarted.reload(Reloader.START).applied());
        assertEquals(7, restarted.centralRevision());
        assertEquals(List.of("db", "web"), restarted.active().services().services().stream()
                .map(net.zcc.servicefile.Service::name).toList());
        assertFalse(restarted.push(7, doc()).applied(), "the revision survived too");
    }

    @Test
    void aBrokenLocalFileRefusesThePushToo() throws Exception {
        Reloader r = reloader();
        r.reload(Reloader.START);
        Files.writeString(local, "<services version=\"1\"><service/></services>");
        Reloader.Outcome o = r.push(1, doc(svc("web", "198.18.0.3", 80, "server")));
        assertFalse(o.applied());
        assertEquals(0, r.centralRevision());
        assertEquals(List.of(), files(), "a refused set is not kept");
    }

    private List<String> files() throws Exception {
        try (var s = Files.list(dir.resolve("state"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
