package net.zcc.servicefile;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes a service file that {@link ServiceFileParser} reads back to an equal {@link ServiceFile}.
 *
 * <p>One element per line, attributes in the seed's order, optional attributes only when they
 * differ from their defaults: diffs between versions of the file stay one line per change.
 */
public final class ServiceFileWriter {
    private ServiceFileWriter() {
    }

    public static String toXml(ServiceFile file) {
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<!-- ZCC service file; see docs/services.sample.xml for the meaning of each attribute. -->\n");
        sb.append("<services version=\"1\">\n");
        for (Service s : file.services()) {
            sb.append("  <service");
            attr(sb, "name", s.name());
            attr(sb, "host", s.hostLiteral());
            attr(sb, "port", Integer.toString(s.port()));
            attr(sb, "type", s.role().xml());
            attr(sb, "scheme", s.scheme());
            attr(sb, "encrypt", Boolean.toString(s.encrypt()));
            if (s.compress()) {
                attr(sb, "compress", "true");
            }
            if (s.policy() != Policy.REQUIRE) {
                attr(sb, "policy", s.policy().xml());
            }
            sb.append("/>\n");
        }
        sb.append("</services>\n");
        return sb.toString();
    }

    public static void write(ServiceFile file, Writer out) throws IOException {
        out.write(toXml(file));
    }

    private static void attr(StringBuilder sb, String name, String value) {
        sb.append(' ').append(name).append("=\"").append(escape(value)).append('"');
    }

    /** Names are restricted by {@link ServiceRules}, but escape anyway: the writer must never emit broken XML. */
    static String escape(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (char c : v.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
