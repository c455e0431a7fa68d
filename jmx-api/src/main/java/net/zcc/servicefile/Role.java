package net.zcc.servicefile;

/**
 * The seed's {@code type} attribute, seen from the host that reads the file.
 *
 * <ul>
 *   <li>{@link #CLIENT}: the named host is a client; it connects to <em>me</em> on the port.
 *   <li>{@link #SERVER}: the named host is a server; <em>I</em> connect to it on the port.
 * </ul>
 */
public enum Role {
    CLIENT("client"),
    SERVER("server");

    private final String xml;

    Role(String xml) {
        this.xml = xml;
    }

    /** The attribute value as written in the service file. */
    public String xml() {
        return xml;
    }

    /** Returns the role for an attribute value, or {@code null} if there is none. */
    public static Role fromXml(String value) {
        for (Role r : values()) {
            if (r.xml.equals(value)) {
                return r;
            }
        }
        return null;
    }
}
