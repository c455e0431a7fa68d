package net.zcc.contract;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The host identity in a fleet client certificate: the URI SAN {@code zcc:host:<keyid>}, which
 * must be the only one and must agree with the subject CN. Both sides use it: the key server's
 * fleet CA writes the name and its TLS endpoints read it back; the agent checks that a
 * certificate it was issued names its own key id.
 *
 * <p>Call only on a certificate whose chain the TLS layer already verified against the fleet CA;
 * this class checks the naming, not the signature.
 */
public final class ClientIdentity {

    /** The URI SAN prefix of a host certificate. */
    public static final String URI_PREFIX = "zcc:host:";
    private static final int SAN_URI = 6;

    private ClientIdentity() { }

    /** Returns the key id the certificate names, or empty if it names none or is inconsistent. */
    public static Optional<KeyId> keyIdOf(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return Optional.empty();
            }
            String found = null;
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(SAN_URI).equals(san.get(0))
                        && san.get(1) instanceof String uri && uri.startsWith(URI_PREFIX)) {
                    if (found != null) {
                        return Optional.empty();
                    }
                    found = uri.substring(URI_PREFIX.length());
                }
            }
            if (found == null || !found.equals(commonName(cert))) {
                return Optional.empty();
            }
            return Optional.of(new KeyId(found));
        } catch (CertificateParsingException | InvalidNameException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String commonName(X509Certificate cert) throws InvalidNameException {
        String cn = null;
        for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
            if ("CN".equalsIgnoreCase(rdn.getType())) {
                if (cn != null) {
                    return null;
                }
                cn = String.valueOf(rdn.getValue());
            }
        }
        return cn;
    }
}
