package net.zcc.keyserver.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import net.zcc.contract.KeyId;
import net.zcc.contract.files.OwnerOnlyFiles;
import net.zcc.keyserver.ca.FleetCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code zcc-keyserver admin-init}: makes an administrator credential on the key server host.
 *
 * <ol>
 *   <li>a new EC P-256 key pair; the admin key id is derived from its public key ({@link AdminKeyId});</li>
 *   <li>a client certificate for that key id from the fleet CA in {@code <home>/ca};</li>
 *   <li>{@code <out>/admin.key}, {@code admin.crt}, {@code ca.crt} ({@link AdminCredentials});</li>
 *   <li>the key id appended to {@code <home>/admins}, and {@code <home>/ca.crt} refreshed.</li>
 * </ol>
 *
 * <p>It touches the CA files and the admins file only, never Derby, so it is safe to run while
 * the key server runs; the server picks the new admin up from the admins file within its
 * host-state cache interval (2 s by default), without a restart.
 */
@Command(name = "admin-init", mixinStandardHelpOptions = true,
        description = "Create an administrator credential (key, certificate from the fleet CA, CA certificate)"
                + " and add its key id to <home>/admins. Needs read access to <home>/ca; never opens the"
                + " database, so it may run while the key server runs (which picks the new admin up within"
                + " seconds, no restart).",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:credential written", "1:failed (CA unreadable, files not writable, ...)", "2:usage"})
public final class AdminInit implements Callable<Integer> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    @Spec
    CommandSpec spec;

    @Option(names = "--home", required = true, paramLabel = "HOME", description = "The key server home (fleet CA in <home>/ca).")
    Path home;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory for admin.key, admin.crt and ca.crt, outside --home (created 0700;"
                    + " admin.key must not exist yet).")
    Path out;

    @Option(names = "--name", defaultValue = "admin", paramLabel = "NAME",
            description = "Label for the admins file comment, [A-Za-z0-9._@-] (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--days", defaultValue = "365", paramLabel = "DAYS",
            description = "Certificate validity in days, 1..397 (default ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() {
        if (!NAME.matcher(name).matches()) {
            throw new ParameterException(spec.commandLine(), "--name: 1-64 of [A-Za-z0-9._@-]");
        }
        if (days < 1 || Duration.ofDays(days).compareTo(FleetCa.MAX_ISSUED_VALIDITY) > 0) {
            throw new ParameterException(spec.commandLine(), "--days: 1.." + FleetCa.MAX_ISSUED_VALIDITY.toDays());
        }
        if (out.toAbsolutePath().normalize().startsWith(home.toAbsolutePath().normalize())) {
            // The key store refuses a home holding files others can read, and admin.crt is 0644.
            throw new ParameterException(spec.commandLine(), "--out: keep the credentials outside --home");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try {
            KeyId id = create(stdout);
            stdout.printf("admin key id   %s%n", id.hex());
            stdout.printf("credentials    %s (admin.key 0600, admin.crt, ca.crt)%n", out.toAbsolutePath());
            stdout.printf("admins file    %s%n", AdminsFile.in(home).toAbsolutePath());
            stdout.printf("fleet CA cert  %s (give it to hosts: zcc enroll --ca-cert)%n",
                    home.resolve(PublicCaFile.NAME).toAbsolutePath());
            stdout.printf("a running key server accepts this admin within a few seconds (no restart).%n");
            stdout.flush();
            return 0;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            spec.commandLine().getErr().println("admin-init: " + e.getMessage());
            return 1;
        }
    }

    private KeyId create(PrintWriter stdout) throws IOException, GeneralSecurityException {
        OwnerOnlyFiles.createDirectory(home);
        Path caDir = home.resolve("ca");
        if (!Files.exists(caDir.resolve(FleetCa.CERT_FILE))) {
            stdout.printf("no fleet CA in %s yet: creating it (the key server will use it)%n", caDir);
        }
        FleetCa ca = FleetCa.openOrCreate(caDir);
        KeyPair pair = FleetCa.newEcKeyPair();
        KeyId id = AdminKeyId.of(pair.getPublic());
        X509Certificate cert = ca.issueClientCertificate(id, pair.getPublic(), Duration.ofDays(days));
        // Credentials first: an id in the admins file always has a certificate somewhere.
        new AdminCredentials(pair.getPrivate(), cert, ca.certificate()).write(out);
        PublicCaFile.write(home, ca.certificate());
        AdminsFile.append(AdminsFile.in(home), id, name + ", certificate valid until " + cert.getNotAfter().toInstant());
        return id;
    }
}
