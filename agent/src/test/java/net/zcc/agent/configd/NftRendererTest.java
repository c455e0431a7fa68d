package net.zcc.agent.configd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: {@code golden/NAME.xml} rendered with each interception path must equal
 * {@code golden/NAME.PATH.nft}. After a deliberate change, regenerate with
 * {@code mvn -pl agent test -Dtest=NftRendererTest -Dzcc.golden.update=src/test/resources/golden}
 * and review the diff like code.
 */
class NftRendererTest {
    static Stream<Arguments> cases() {
        return Stream.of("sample", "empty").flatMap(n -> Stream.of(
                Arguments.of(n, Interception.XTABLES_MARK), Arguments.of(n, Interception.NATIVE)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rendersGoldenFile(String name, Interception path) throws Exception {
        ServiceFile f = ServiceFileParser.withBuiltInSchemes().parse(open(name + ".xml"), name + ".xml");
        String actual = NftRenderer.render(f, RuleOptions.defaults(path), "/etc/zcc/services.xml");
        String golden = name + "." + path.name().toLowerCase() + ".nft";
        String update = System.getProperty("zcc.golden.update");
        if (update != null) {
            Files.writeString(Path.of(update, golden), actual);
        }
        try (InputStream in = open(golden)) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual);
        }
    }

    @Test
    void disabledServicesAreNotRendered() throws Exception {
        ServiceFile f = ServiceFileParser.withBuiltInSchemes().parse(open("sample.xml"), "s");
        String nft = NftRenderer.render(f, RuleOptions.defaults(Interception.XTABLES_MARK), "s");
        assertFalse(nft.contains("198.18.0.4"), "legacy is encrypt=false");
        assertTrue(nft.contains("add element inet zcc client4 { 198.18.0.2 . 8080 }"));
        assertTrue(nft.contains("add element inet zcc server6 { 2001:2::3 . 6514 }"));
    }

    @Test
    void neverFlushesTheStartedConnectionSetsOrOtherTables() throws Exception {
        ServiceFile f = ServiceFileParser.withBuiltInSchemes().parse(open("sample.xml"), "s");
        for (Interception i : Interception.values()) {
            String nft = NftRenderer.render(f, RuleOptions.defaults(i), "s");
            nft.lines().filter(l -> !l.startsWith("#")).forEach(l -> {
                assertTrue(l.matches("(add|flush) (table|set|chain|element|rule) inet zcc( .*)?"), "only our table: " + l);
                assertFalse(l.startsWith("flush set inet zcc conn"), l);
                assertFalse(l.startsWith("flush ruleset") || l.startsWith("delete"), l);
                assertFalse(l.contains("bypass"), "fail closed: " + l);
            });
        }
    }

    @Test
    void singleQueueAndOtherMark() {
        RuleOptions o = new RuleOptions(3, 1, 0x40000000L, Duration.ofHours(1), Interception.NATIVE);
        assertEquals("queue num 3", NftRenderer.queueAction(o));
        RuleOptions x = new RuleOptions(3, 1, 0x40000000L, Duration.ofHours(1), Interception.XTABLES_MARK);
        assertEquals("meta mark set meta mark | 0x40000000 accept", NftRenderer.queueAction(x));
        assertEquals("-A OUTPUT -m mark --mark 0x40000000/0x40000000 -j NFQUEUE --queue-num 3",
                XtablesQueueRules.rules(x).get(0).specLine());
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = NftRendererTest.class.getResourceAsStream("/golden/" + name);
        if (in == null) {
            throw new IOException("missing golden resource " + name);
        }
        return in;
    }
}
