package net.zcc.servicefile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import net.zcc.contract.net.IpLiteral;

/**
 * Reads the XML service file.
 *
 * <pre>
 * &lt;services version="1"&gt;
 *   &lt;service name="web" host="198.18.0.2" port="80" type="server" scheme="aes-256" encrypt="true"/&gt;
 * &lt;/services&gt;
 * </pre>
 *
 * <p>StAX rather than a schema validator, so every message names the attribute and says what is
 * wrong in plain words, with the position of the element. {@code servicefile.xsd} describes the
 * same language for editors and other tools. DOCTYPEs and entities are refused outright: the file
 * is written by people and tools, never needs them, and they are the XXE attack surface.
 */
public final class ServiceFileParser {
    static final Set<String> REQUIRED = Set.of("name", "host", "port", "type", "scheme", "encrypt");
    static final Set<String> OPTIONAL = Set.of("compress", "policy");

    /** A fleet of thousands of services is a few hundred KiB; anything near this is a mistake or an attack. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private final Set<String> knownSchemes;

    public ServiceFileParser(Set<String> knownSchemes) {
        this.knownSchemes = Set.copyOf(knownSchemes);
    }

    /** A parser that knows the suites every agent ships. */
    public static ServiceFileParser withBuiltInSchemes() {
        return new ServiceFileParser(Schemes.BUILT_IN);
    }

    public ServiceFile parse(Path file) throws ServiceFileException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new ServiceFileException(List.of(new Problem(file.toString(), 0, 0, "cannot read: " + e.getMessage())));
        }
    }

    public ServiceFile parse(InputStream in, String origin) throws ServiceFileException {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new ServiceFileException(List.of(new Problem(origin, 0, 0, "cannot read: " + e.getMessage())));
        }
        if (bytes.length > MAX_BYTES) {
            throw new ServiceFileException(List.of(new Problem(origin, 0, 0,
                    "file is larger than " + MAX_BYTES / (1024 * 1024) + " MiB; refusing to read it")));
        }
        Run run = new Run(origin, new TagLocator(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
        try {
            XMLStreamReader r = factory().createXMLStreamReader(new java.io.ByteArrayInputStream(bytes));
            try {
                run.document(r);
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            Location l = e.getLocation();
            run.problem(l, "not well-formed XML: " + cleanStaxMessage(e.getMessage()));
        }
        return run.result();
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    /** The JDK prefixes its messages with "ParseError at [row,col]:[..]\nMessage: "; keep the words. */
    private static String cleanStaxMessage(String m) {
        if (m == null) {
            return "unknown error";
        }
        int i = m.indexOf("Message: ");
        return i >= 0 ? m.substring(i + 9).trim() : m.trim();
    }

    /** The state of one parse: problems found so far and the services read. */
    private final class Run {
        private final String origin;
        private final List<Problem> problems = new ArrayList<>();
        private final List<Service> services = new ArrayList<>();
        private final List<Location> where = new ArrayList<>();
        private final TagLocator tags;

        Run(String origin, TagLocator tags) {
            this.origin = origin;
            this.tags = tags;
        }

        /** A problem at a position the XML parser reported as is (syntax errors). */
        void problem(Location l, String message) {
            problems.add(l == null
                    ? new Problem(origin, 0, 0, message)
                    : new Problem(origin, l.getLineNumber(), l.getColumnNumber(), message));
        }

        /** A problem with a tag: StAX reports where the tag ends; people look for where it starts. */
        void tagProblem(Location l, String message) {
            int[] lc = tags.tagStart(l.getLineNumber(), l.getColumnNumber());
            problems.add(new Problem(origin, lc[0], lc[1], message));
        }

        void document(XMLStreamReader r) throws XMLStreamException {
            boolean sawRoot = false;
            while (r.hasNext()) {
                int ev = r.next();
                switch (ev) {
                    case XMLStreamConstants.DTD -> {
                        // The DTD event arrives at the end of the declaration; point at its line.
                        problems.add(new Problem(origin, r.getLocation().getLineNumber(), 1,
                                "DOCTYPE declarations are not allowed in a service file"));
                        return;
                    }
                    case XMLStreamConstants.ENTITY_REFERENCE -> {
                        problem(r.getLocation(), "entity references are not allowed in a service file");
                        return;
                    }
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (sawRoot) {
                            tagProblem(r.getLocation(), "only one <services> element is allowed");
                            return;
                        }
                        sawRoot = true;
                        root(r);
                    }
                    default -> {
                    }
                }
            }
            if (!sawRoot) {
                problem(null, "the file is empty; expected a <services> element");
            }
        }

        private void root(XMLStreamReader r) throws XMLStreamException {
            if (!"services".equals(r.getLocalName())) {
                tagProblem(r.getLocation(), "the top element must be <services>, not <" + r.getLocalName() + ">");
                return;
            }
            for (int i = 0; i < r.getAttributeCount(); i++) {
                String a = r.getAttributeLocalName(i);
                if (a.equals("version")) {
                    if (!"1".equals(r.getAttributeValue(i))) {
                        tagProblem(r.getLocation(), "unsupported file version \"" + r.getAttributeValue(i) + "\"; this ZCC reads version 1");
                    }
                } else if (!isSchemaHint(r, i)) {
                    tagProblem(r.getLocation(), "unknown attribute \"" + a + "\" on <services>");
                }
            }
            children(r);
        }

        private boolean isSchemaHint(XMLStreamReader r, int i) {
            return "http://www.w3.org/2001/XMLSchema-instance".equals(r.getAttributeNamespace(i));
        }

        private void children(XMLStreamReader r) throws XMLStreamException {
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.END_ELEMENT) {
                    return;
                }
                if (ev == XMLStreamConstants.ENTITY_REFERENCE) {
                    problem(r.getLocation(), "entity references are not allowed in a service file");
                } else if (ev == XMLStreamConstants.CHARACTERS && !r.isWhiteSpace()) {
                    tagProblem(r.getLocation(), "unexpected text \"" + r.getText().trim() + "\" inside <services>");
                } else if (ev == XMLStreamConstants.START_ELEMENT) {
                    if ("service".equals(r.getLocalName())) {
                        service(r);
                    } else {
                        tagProblem(r.getLocation(), "unknown element <" + r.getLocalName() + ">; only <service> is allowed here");
                        skipElement(r);
                    }
                }
            }
        }

        private void service(XMLStreamReader r) throws XMLStreamException {
            Location at = r.getLocation();
            Map<String, String> attrs = new LinkedHashMap<>();
            for (int i = 0; i < r.getAttributeCount(); i++) {
                String a = r.getAttributeLocalName(i);
                if (REQUIRED.contains(a) || OPTIONAL.contains(a)) {
                    attrs.put(a, r.getAttributeValue(i));
                } else {
                    tagProblem(at, "unknown attribute \"" + a + "\" on <service>; allowed: name, host, port, type,"
                            + " scheme, encrypt, compress, policy");
                }
            }
            if (skipElement(r)) {
                tagProblem(at, "<service> must be empty: everything is in its attributes");
            }
            Service s = build(attrs, at);
            if (s != null) {
                services.add(s);
                where.add(at);
            }
        }

        /** Skips to the matching end tag; returns true if the element had content. */
        private boolean skipElement(XMLStreamReader r) throws XMLStreamException {
            int depth = 1;
            boolean content = false;
            while (depth > 0 && r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    content = true;
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                } else if (ev == XMLStreamConstants.CHARACTERS && !r.isWhiteSpace()) {
                    content = true;
                } else if (ev == XMLStreamConstants.ENTITY_REFERENCE) {
                    content = true;
                }
            }
            return content;
        }

        private Service build(Map<String, String> a, Location at) {
            String label = a.containsKey("name") ? "service \"" + a.get("name") + "\": " : "service: ";
            List<String> missing = REQUIRED.stream().filter(k -> !a.containsKey(k)).sorted().toList();
            if (!missing.isEmpty()) {
                tagProblem(at, label + "missing required attribute" + (missing.size() > 1 ? "s " : " ")
                        + String.join(", ", missing));
                return null;
            }
            int before = problems.size();
            String name = check(at, label, () -> ServiceRules.name(a.get("name")));
            var host = check(at, label, () -> IpLiteral.parseHost(a.get("host").trim()));
            Integer port = check(at, label, () -> ServiceRules.port(a.get("port")));
            Role role = check(at, label, () -> ServiceRules.role(a.get("type")));
            String scheme = check(at, label, () -> ServiceRules.scheme(a.get("scheme"), knownSchemes));
            Boolean encrypt = check(at, label, () -> ServiceRules.bool("encrypt", a.get("encrypt")));
            Boolean compress = check(at, label, () -> ServiceRules.bool("compress", a.getOrDefault("compress", "false")));
            Policy policy = check(at, label, () -> ServiceRules.policy(a.getOrDefault("policy", "require")));
            if (problems.size() != before) {
                return null;
            }
            return new Service(name, host, port, role, scheme, encrypt, compress, policy);
        }

        private <T> T check(Location at, String label, java.util.function.Supplier<T> s) {
            try {
                return s.get();
            } catch (IllegalArgumentException e) {
                tagProblem(at, label + e.getMessage());
                return null;
            }
        }

        ServiceFile result() throws ServiceFileException {
            ServiceRules.clashes(services).forEach((i, m) -> tagProblem(where.get(i), m));
            if (!problems.isEmpty()) {
                problems.sort(java.util.Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
                throw new ServiceFileException(problems);
            }
            return new ServiceFile(services);
        }
    }
}
