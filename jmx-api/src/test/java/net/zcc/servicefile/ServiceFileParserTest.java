package net.zcc.servicefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xml.sax.SAXException;

class ServiceFileParserTest {
    private final ServiceFileParser parser = ServiceFileParser.withBuiltInSchemes();

    static Stream<String> goodFiles() {
        return Stream.of("good-sample.xml", "good-v6.xml", "good-empty.xml");
    }

    static Stream<String> badFiles() {
        return Stream.of("bad-duplicate", "bad-values", "bad-doctype", "bad-notxml");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ServiceFileParserTest.class.getResourceAsStream("/servicefiles/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private ServiceFile parse(byte[] xml, String origin) throws ServiceFileException {
        return parser.parse(new ByteArrayInputStream(xml), origin);
    }

    @ParameterizedTest
    @MethodSource("goodFiles")
    void writerRoundTripsWhatTheParserReads(String name) throws Exception {
        ServiceFile first = parse(resource(name), name);
        String written = ServiceFileWriter.toXml(first);
        ServiceFile second = parse(written.getBytes(StandardCharsets.UTF_8), "written");
        assertEquals(first, second);
        assertEquals(written, ServiceFileWriter.toXml(second), "writing is stable");
    }

    @ParameterizedTest
    @MethodSource("goodFiles")
    void goodFilesAndTheirRewritesMatchTheSchema(String name) throws Exception {
        validator().validate(new StreamSource(new ByteArrayInputStream(resource(name))));
        String written = ServiceFileWriter.toXml(parse(resource(name), name));
        validator().validate(new StreamSource(new ByteArrayInputStream(written.getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void badFilesGiveLocatedMessagesForPeople(String name) throws Exception {
        ServiceFileException e = assertThrows(ServiceFileException.class, () -> parse(resource(name + ".xml"), name + ".xml"));
        String expected = new String(resource(name + ".expected"), StandardCharsets.UTF_8).strip();
        assertEquals(expected, e.getMessage().strip());
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void schemaRejectsBadFilesToo(String name) {
        assertThrows(SAXException.class,
                () -> validator().validate(new StreamSource(new ByteArrayInputStream(resource(name + ".xml")))));
    }

    @Test
    void sampleHasTheDocumentedServices() throws Exception {
        ServiceFile f = parse(resource("good-sample.xml"), "sample");
        assertEquals(4, f.services().size());
        Service logs = f.byName("logs-v6").orElseThrow();
        assertTrue(logs.isIpv6());
        assertTrue(logs.compress());
        assertEquals(Policy.OPPORTUNISTIC, logs.policy());
        assertEquals(Role.SERVER, logs.role());
        assertEquals(Schemes.CHACHA20, logs.scheme());
        Service web = f.byName("web-from-b").orElseThrow();
        assertEquals(Role.CLIENT, web.role());
        assertFalse(web.compress());
        assertEquals(Policy.REQUIRE, web.policy());
        assertEquals(3, f.enabled().size());
    }

    @Test
    void ipv6IsWrittenInCanonicalForm() throws Exception {
        ServiceFile f = parse(resource("good-v6.xml"), "v6");
        assertEquals("2001:2::1", f.services().get(0).hostLiteral());
    }

    @Test
    void sameAddressInTwoSpellingsIsADuplicate() {
        String xml = "<services>\n"
                + "<service name='a' host='2001:2::1' port='1' type='client' scheme='aes-256' encrypt='true'/>\n"
                + "<service name='b' host='2001:2:0:0::0:1' port='1' type='client' scheme='aes-256' encrypt='true'/>\n"
                + "</services>";
        ServiceFileException e = assertThrows(ServiceFileException.class,
                () -> parse(xml.getBytes(StandardCharsets.UTF_8), "f"));
        assertTrue(e.getMessage().startsWith("f:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("duplicate service 2001:2::1 port 1 type client"), e.getMessage());
    }

    @Test
    void schemesComeFromTheCaller() throws Exception {
        String xml = "<services><service name='a' host='198.18.0.9' port='1' type='client' scheme='rot13' encrypt='true'/></services>";
        ServiceFile f = new ServiceFileParser(java.util.Set.of("rot13")).parse(
                new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "f");
        assertEquals("rot13", f.services().get(0).scheme());
    }

    @Test
    void writerEscapes() {
        assertEquals("a&lt;&amp;&quot;&gt;", ServiceFileWriter.escape("a<&\">"));
    }

    private static Validator validator() throws SAXException {
        SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        var schema = sf.newSchema(ServiceFileParserTest.class.getResource("/net/zcc/servicefile/servicefile.xsd"));
        Validator v = schema.newValidator();
        v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return v;
    }
}
