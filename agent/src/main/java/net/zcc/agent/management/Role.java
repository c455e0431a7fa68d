package net.zcc.agent.management;

import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who may use the management endpoints: a client certificate from the fleet CA whose subject
 * carries the role as its organisational unit ({@code OU=zcc-console, CN=NAME} or
 * {@code OU=zcc-monitor, CN=NAME}). Host certificates name a key id and no OU, so a host (or a
 * stolen host key) is never the console; the key server refuses role certificates, which name no
 * host (its check wants the {@code zcc:host:} SAN).
 */
public enum Role {
    /** Reads zcc:* and java.lang:*, invokes ZCC's own operations (push). */
    CONSOLE("zcc-console"),
    /** Reads zcc:* and java.lang:* and the Prometheus text; writes and invokes nothing. */
    MONITOR("zcc-monitor");

    private final String unit;

    Role(String unit) {
        this.unit = unit;
    }

    /** The OU value of the role's certificates. */
    public String unit() {
        return unit;
    }

    /** The principal Jolokia's client-certificate check asks for (the subject must contain this RDN). */
    public String principal() {
        return "OU=" + unit;
    }

    /** True if the certificate's subject has exactly one OU and it is this role's. */
    public boolean holds(X509Certificate cert) {
        try {
            String ou = null;
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("OU".equalsIgnoreCase(rdn.getType())) {
                    if (ou != null) {
                        return false;
                    }
                    ou = String.valueOf(rdn.getValue());
                }
            }
            return unit.equals(ou);
        } catch (InvalidNameException e) {
            return false;
        }
    }
}
