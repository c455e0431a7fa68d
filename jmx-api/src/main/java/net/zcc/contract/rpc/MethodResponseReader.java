package net.zcc.contract.rpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.zcc.contract.xml.HardenedSax;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads an XML-RPC {@code methodResponse} on the JDK's SAX parser ({@link HardenedSax}), with the
 * specification's value types only. Both sides' clients read every key server answer with it:
 * the agent's key server client and the key server's admin client (and the console to come).
 *
 * <p>Why our own reader and not Apache XML-RPC's {@code XmlRpcResponseParser}: the stock parser
 * runs {@code ObjectInputStream.readObject} on a fault's {@code faultCause} whatever
 * {@code enabledForExtensions} says (CVE-2019-17570), and keeping its extension types out depends
 * on a flag being right. Here:
 * <ul>
 *   <li>a fault is its {@code faultCode} and {@code faultString}; any other member is read as a
 *       plain value and dropped;</li>
 *   <li>a value is untyped text (a string) or one of {@code i4 int boolean string double base64
 *       struct array}; any other element, any namespaced one ({@code ex:serializable},
 *       {@code ex:nil}, ...) and {@code dateTime.iso8601} (it has no time zone: our answers carry
 *       times as ISO-8601 strings) fail the whole response;</li>
 *   <li>DOCTYPE refused, nesting bounded ({@value #MAX_DEPTH} elements).</li>
 * </ul>
 * Values come out as the library gave them: String, Integer, Boolean, Double, byte[],
 * {@code Map<String, Object>}, Object[].
 */
public final class MethodResponseReader {

    /** Deepest element nesting read: a host listing needs 14. */
    static final int MAX_DEPTH = 64;
    private static final Set<String> ELEMENTS = Set.of("methodResponse", "params", "param", "fault", "value",
            "i4", "int", "boolean", "string", "double", "base64", "struct", "member", "name", "array", "data");

    private MethodResponseReader() {
    }

    /**
     * Reads {@code xml}.
     *
     * @throws IOException "malformed response from the key server: ..." if it is not a
     *     well-formed response of core types only
     */
    public static MethodResponse read(byte[] xml) throws IOException {
        try {
            Tree tree = new Tree();
            XMLReader reader = HardenedSax.newReader();
            reader.setContentHandler(tree);
            reader.parse(new InputSource(new ByteArrayInputStream(xml)));
            return response(tree.root);
        } catch (SAXException | IllegalArgumentException e) { // NumberFormatException is one too
            throw new IOException("malformed response from the key server: " + e.getMessage());
        }
    }

    private static MethodResponse response(Element root) {
        if (root == null || !root.name().equals("methodResponse")) {
            throw malformed("not a methodResponse");
        }
        Element body = only(root, null);
        if (body.name().equals("params")) {
            return MethodResponse.success(value(only(only(body, "param"), "value")));
        }
        if (!body.name().equals("fault") || !(value(only(body, "value")) instanceof Map<?, ?> fault)) {
            throw malformed("a methodResponse holds <params> or a <fault> struct");
        }
        return MethodResponse.fault(fault.get("faultCode") instanceof Integer code ? code : 0,
                fault.get("faultString") instanceof String text ? text : "(no fault text)");
    }

    /** A {@code <value>}: untyped text, or exactly one typed element. */
    private static Object value(Element v) {
        if (v.children().isEmpty()) {
            return v.text().toString();
        }
        Element typed = only(v, null);
        return switch (typed.name()) {
            case "string" -> leaf(typed);
            case "i4", "int" -> Integer.valueOf(leaf(typed).strip());
            case "boolean" -> bool(leaf(typed).strip());
            case "double" -> Double.valueOf(leaf(typed).strip());
            case "base64" -> Base64.getDecoder().decode(leaf(typed).replaceAll("\\s", ""));
            case "struct" -> struct(typed);
            case "array" -> array(typed);
            default -> throw malformed("<" + typed.name() + "> is not a value");
        };
    }

    private static Map<String, Object> struct(Element s) {
        Map<String, Object> out = new HashMap<>();
        for (Element member : children(s, "member")) {
            List<Element> parts = member.children();
            if (parts.size() != 2 || !parts.get(0).name().equals("name") || !parts.get(1).name().equals("value")) {
                throw malformed("a <member> is a <name> and a <value>");
            }
            blank(member);
            if (out.put(leaf(parts.get(0)), value(parts.get(1))) != null) {
                throw malformed("a struct names a member twice");
            }
        }
        return out;
    }

    private static Object[] array(Element a) {
        return children(only(a, "data"), "value").stream().map(MethodResponseReader::value).toArray();
    }

    private static Boolean bool(String text) {
        return switch (text) {
            case "1" -> Boolean.TRUE;
            case "0" -> Boolean.FALSE;
            default -> throw malformed("a boolean is 0 or 1");
        };
    }

    /** The single child of {@code parent}, named {@code name} unless that is null; no text beside it. */
    private static Element only(Element parent, String name) {
        List<Element> c = parent.children();
        if (c.size() != 1 || (name != null && !c.get(0).name().equals(name))) {
            String what = name == null ? "element" : "<" + name + ">";
            throw malformed("<" + parent.name() + "> holds exactly one " + what);
        }
        blank(parent);
        return c.get(0);
    }

    /** The children of {@code parent}, every one named {@code name}; no text between them. */
    private static List<Element> children(Element parent, String name) {
        for (Element c : parent.children()) {
            if (!c.name().equals(name)) {
                throw malformed("<" + parent.name() + "> holds only <" + name + ">");
            }
        }
        blank(parent);
        return parent.children();
    }

    /** The text of an element that holds no elements. */
    private static String leaf(Element e) {
        if (!e.children().isEmpty()) {
            throw malformed("<" + e.name() + "> holds text only");
        }
        return e.text().toString();
    }

    private static void blank(Element e) {
        if (!e.text().toString().isBlank()) {
            throw malformed("text inside <" + e.name() + ">");
        }
    }

    private static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException(why);
    }

    private record Element(String name, List<Element> children, StringBuilder text) {
    }

    /** Builds the element tree; refuses unknown or namespaced elements and deep nesting as they come. */
    private static final class Tree extends DefaultHandler {
        private final Deque<Element> open = new ArrayDeque<>();
        private Element root;

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes)
                throws SAXException {
            if (!uri.isEmpty() || !ELEMENTS.contains(localName)) {
                throw new SAXException("<" + qName + "> is not an XML-RPC core element");
            }
            if (open.size() >= MAX_DEPTH) {
                throw new SAXException("elements nested deeper than " + MAX_DEPTH);
            }
            Element e = new Element(localName, new ArrayList<>(), new StringBuilder());
            if (open.isEmpty()) {
                root = e;
            } else {
                open.peek().children().add(e);
            }
            open.push(e);
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            open.pop();
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (!open.isEmpty()) {
                open.peek().text().append(ch, start, length);
            }
        }
    }
}
