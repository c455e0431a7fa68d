package net.zcc.servicefile;

/** What happens when the peer of a protected service does not run ZCC (DESIGN.md 4). */
public enum Policy {
    /** Refuse the connection: the application sees a reset. The default. */
    REQUIRE("require"),
    /** Continue in plaintext and report the connection as unprotected. */
    OPPORTUNISTIC("opportunistic");

    private final String xml;

    Policy(String xml) {
        this.xml = xml;
    }

    public String xml() {
        return xml;
    }

    public static Policy fromXml(String value) {
        for (Policy p : values()) {
            if (p.xml.equals(value)) {
                return p;
            }
        }
        return null;
    }
}
