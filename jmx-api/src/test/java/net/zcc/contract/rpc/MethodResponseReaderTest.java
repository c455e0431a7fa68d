package net.zcc.contract.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Key server answers as both sides' clients read them: the core value types, a fault as code and
 * text only, and every extension, DOCTYPE and stray element refused as a malformed response.
 */
class MethodResponseReaderTest {

    private static final String EXTENSIONS = "http://ws.apache.org/xmlrpc/namespaces/extensions";

    @Test
    void readsEveryCoreType() throws Exception {
        MethodResponse r = read(ok("<struct>"
                + member("s", "<string> a&amp;b </string>") + member("untyped", "plain")
                + member("i4", "<i4> -7 </i4>") + member("int", "<int>42</int>")
                + member("yes", "<boolean>1</boolean>") + member("no", "<boolean>0</boolean>")
                + member("d", "<double>1.5</double>") + member("b", "<base64>AQID\n BA==</base64>")
                + member("list", "<array><data><value>x</value><value><i4>1</i4></value></data></array>")
                + "</struct>"));
        assertFalse(r.fault());
        Map<?, ?> m = (Map<?, ?>) r.value();
        assertEquals(" a&b ", m.get("s"));
        assertEquals("plain", m.get("untyped"));
        assertEquals(-7, m.get("i4"));
        assertEquals(42, m.get("int"));
        assertEquals(Boolean.TRUE, m.get("yes"));
        assertEquals(Boolean.FALSE, m.get("no"));
        assertEquals(1.5, m.get("d"));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, (byte[]) m.get("b"));
        assertEquals(List.of("x", 1), List.of((Object[]) m.get("list")));
    }

    @Test
    void aFaultIsCodeAndPrintableTextOnly() throws Exception {
        String cause = "<member><name>faultCause</name><value><base64>rO0ABXNyAA==</base64></value></member>";
        MethodResponse r = read(fault("<i4>2</i4>", "no\tkey" + "x".repeat(300), cause));
        assertTrue(r.fault());
        assertNull(r.value());
        assertEquals(2, r.faultCode());
        assertTrue(RpcFault.NO_KEY.is(r.faultCode()));
        assertEquals("no key" + "x".repeat(MethodResponse.MAX_TEXT - 6), r.faultText());
        MethodResponse bare = read("<methodResponse><fault><value><struct></struct></value></fault></methodResponse>");
        assertEquals(0, bare.faultCode());
        assertEquals("(no fault text)", bare.faultText());
    }

    @Test
    void extensionsAndOtherTypesAreRefusedEverywhere() {
        String serializable = "<ex:serializable xmlns:ex=\"" + EXTENSIONS + "\">rO0ABXNyAA==</ex:serializable>";
        for (String bad : List.of(
                ok(serializable),
                ok("<ex:nil xmlns:ex=\"" + EXTENSIONS + "\"/>"),
                ok("<ex:i8 xmlns:ex=\"" + EXTENSIONS + "\">1</ex:i8>"),
                ok("<dateTime.iso8601>20260101T00:00:00</dateTime.iso8601>"),
                ok("<i8>1</i8>"),
                fault("<i4>1</i4>", "x", "<member><name>faultCause</name><value>" + serializable + "</value></member>"),
                "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x \"y\">]><methodResponse><params><param><value>"
                        + "<string>&x;</string></value></param></params></methodResponse>")) {
            IOException e = assertThrows(IOException.class, () -> read(bad), bad);
            assertTrue(e.getMessage().startsWith("malformed response from the key server"), e.getMessage());
        }
    }

    @Test
    void malformedShapesAreRefused() {
        for (String bad : List.of(
                "<methodCall/>",
                "<methodResponse></methodResponse>",
                "<methodResponse><params></params></methodResponse>",
                "<methodResponse><params><param><value>a</value></param><param><value>b</value></param></params>"
                        + "</methodResponse>",
                "<methodResponse><fault><value><string>no struct</string></value></fault></methodResponse>",
                ok("<i4>seven</i4>"), ok("<boolean>true</boolean>"), ok("<base64>!!</base64>"),
                ok("<string>a<i4>1</i4></string>"), ok("text<string>a</string>"),
                ok("<struct><member><name>a</name><value>1</value></member>"
                        + "<member><name>a</name><value>2</value></member></struct>"),
                ok("<struct><member><value>1</value><name>a</name></member></struct>"),
                ok("<array><value>1</value></array>"),
                ok("<array><data>1</data></array>"))) {
            assertThrows(IOException.class, () -> read(bad), bad);
        }
    }

    @Test
    void nestingIsBounded() throws Exception {
        int arrays = 10;
        String deepEnough = ok("<array><data><value>".repeat(arrays) + "x" + "</value></data></array>".repeat(arrays));
        assertFalse(read(deepEnough).fault());
        int tooMany = MethodResponseReader.MAX_DEPTH;
        String tooDeep = ok("<array><data><value>".repeat(tooMany) + "x" + "</value></data></array>".repeat(tooMany));
        IOException e = assertThrows(IOException.class, () -> read(tooDeep));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    private static MethodResponse read(String xml) throws IOException {
        return MethodResponseReader.read(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String ok(String value) {
        return "<?xml version=\"1.0\"?><methodResponse><params><param><value>" + value
                + "</value></param></params></methodResponse>";
    }

    private static String fault(String code, String text, String extraMember) {
        return "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>"
                + member("faultCode", code) + member("faultString", "<string>" + text + "</string>") + extraMember
                + "</struct></value></fault></methodResponse>";
    }

    private static String member(String name, String value) {
        return "<member><name>" + name + "</name><value>" + value + "</value></member>";
    }
}
