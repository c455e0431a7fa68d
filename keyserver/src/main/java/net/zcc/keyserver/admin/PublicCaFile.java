package net.zcc.keyserver.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import net.zcc.contract.files.OwnerOnlyFiles;
import net.zcc.contract.pem.Pem;

/**
 * {@code <home>/ca.crt}: the fleet CA certificate, refreshed by every key server start and by
 * {@code admin-init}. The administrator hands it to hosts for {@code zcc enroll --ca-cert}; it is
 * the only trust anchor an agent needs.
 *
 * <p>Its content is public, but its mode is 0600: the key store refuses to open a home in which
 * anything is open to group or others, and the home is 0700 anyway, so a wider mode would give
 * nobody else access. Copy it out to share it.
 */
public final class PublicCaFile {

    /** The file's name in the key server's home. */
    public static final String NAME = "ca.crt";

    private PublicCaFile() { }

    /** Writes {@code caCertificate} to {@code <home>/ca.crt} atomically. */
    public static void write(Path home, X509Certificate caCertificate) throws IOException {
        OwnerOnlyFiles.write(home.resolve(NAME), Pem.certificate(caCertificate));
    }
}
