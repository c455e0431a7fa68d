package net.zcc.agent.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import net.zcc.agent.remote.AgentIdentity;
import net.zcc.agent.remote.Enrollment;
import net.zcc.agent.remote.KeyServerFault;
import net.zcc.contract.net.IpLiteral;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code zcc enroll}: makes this host's identity (keys kept on a re-run), asks the key server to
 * enroll it with a one-time token, and fetches the client certificate once an administrator
 * approved the key id, now (--wait) or later (--finish). Prints key id and CA fingerprint, never
 * the token or a key.
 */
@Command(name = "enroll", mixinStandardHelpOptions = true,
        description = {"Enroll this host with the key server, then fetch its client certificate.",
            "First run: zcc enroll --server https://HOST:PORT --token-file FILE --ca-cert FILE --address IP",
            "  (or --token - to read the token from standard input)",
            "After the administrator approved the printed key id: zcc enroll --finish"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:enrolled: the client certificate is saved in the identity directory",
            "1:the key server refused (token unknown, expired or used; key or address already registered)",
            "2:wrong usage",
            "3:cannot read or write the identity, cannot reach the key server, or its answer is unusable",
            "5:requested, not approved yet: approve the key id, then run zcc enroll --finish"})
final class EnrollCmd implements Callable<Integer> {
    static final int REFUSED = 1;
    static final int WAITING = 5;
    /** How often the certificate is asked for while waiting for approval. */
    static final Duration POLL_EVERY = Duration.ofSeconds(2);
    /** {@code --token -}: read the token from standard input. */
    static final String STDIN = "-";
    /** Longest first line read from a token file or standard input (tokens are far shorter). */
    static final int MAX_TOKEN_LINE = 1024;

    @ParentCommand
    ZccTool top;

    @Option(names = "--server", paramLabel = "URL", description = "the key server, https://HOST:PORT")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", description = {
        "one-time enrollment token from the administrator, or - to read it from standard input.",
        "A token given on the command line is visible to every user of this host (ps, /proc/PID/cmdline)"
            + " while zcc runs: prefer --token-file or --token -."})
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = {
        "read the one-time enrollment token from the first line of FILE (keep it mode 0600;"
            + " zcc warns if group or others may read it)"})
    Path tokenFile;

    @Option(names = "--ca-cert", paramLabel = "FILE", description = "the fleet CA certificate (PEM) from the administrator")
    Path caCert;

    @Option(names = "--address", paramLabel = "IP", description = "an address of this host (repeat for several; required)")
    List<String> addresses = new ArrayList<>();

    @Option(names = "--identity", paramLabel = "DIR", defaultValue = AgentIdentity.DEFAULT_DIRECTORY,
            description = "identity directory (default: ${DEFAULT-VALUE})")
    Path identityDir;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "how long to wait for approval, e.g. 30s, 10m (default: ${DEFAULT-VALUE}, do not wait)")
    Duration wait;

    @Option(names = "--finish", description = "only fetch the certificate of an earlier request")
    boolean finish;

    @Override
    public Integer call() throws Exception {
        if (finish) {
            if (server != null || token != null || tokenFile != null || caCert != null || !addresses.isEmpty()) {
                return usage("--finish takes only --identity and --wait");
            }
            AgentIdentity identity = AgentIdentity.load(identityDir);
            try (Enrollment enrollment = Enrollment.of(identity)) {
                return awaitCertificate(enrollment, identity);
            }
        }
        if (server == null || (token == null && tokenFile == null) || caCert == null) {
            return usage("--server, --token-file (or --token) and --ca-cert are required"
                    + " (or --finish for an earlier request)");
        }
        if (token != null && tokenFile != null) {
            return usage("give the token once: --token-file FILE, --token - (standard input) or --token TOKEN");
        }
        if (addresses.isEmpty()) {
            return usage("give this host's address(es) with --address IP (at least one; addresses are not guessed)");
        }
        List<InetAddress> owned = new ArrayList<>();
        for (String a : addresses) {
            try {
                owned.add(IpLiteral.parseHost(a));
            } catch (IllegalArgumentException e) {
                return usage(e.getMessage());
            }
        }
        String oneTimeToken;
        try {
            oneTimeToken = tokenFile != null ? readTokenFile(tokenFile)
                    : STDIN.equals(token) ? readTokenFromStdin() : token;
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        AgentIdentity identity;
        try {
            identity = AgentIdentity.createOrUpdate(identityDir, server, readCertificate(caCert));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        try (Enrollment enrollment = Enrollment.of(identity)) {
            try {
                enrollment.request(oneTimeToken, owned);
            } catch (KeyServerFault f) {
                top.err().println("zcc: " + f.getMessage());
                return REFUSED;
            }
            printNextSteps(identity);
            return awaitCertificate(enrollment, identity);
        }
    }

    private void printNextSteps(AgentIdentity identity) {
        top.out().println("enrollment requested for host key id " + identity.keyId());
        top.out().println("fleet CA SHA-256 fingerprint: " + identity.fleetCaFingerprint());
        top.out().println("The administrator checks that fingerprint against the key server's CA and approves key id "
                + identity.keyId() + ".");
    }

    /** Asks for the certificate every POLL_EVERY until it comes or --wait has passed (at least once). */
    private int awaitCertificate(Enrollment enrollment, AgentIdentity identity) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        String lastError = null;
        while (true) {
            Optional<AgentIdentity> done;
            try {
                done = enrollment.fetchCertificate();
            } catch (KeyServerFault f) {
                top.err().println("zcc: " + f.getMessage());
                return REFUSED;
            } catch (IOException e) { // a blip while waiting for approval is not the end of it
                if (System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                if (!e.getMessage().equals(lastError)) {
                    top.err().println("zcc: " + e.getMessage() + "; retrying");
                }
                lastError = e.getMessage();
                done = Optional.empty();
            }
            if (done.isPresent()) {
                X509Certificate cert = done.get().clientCertificate().orElseThrow();
                top.out().println("client certificate saved in " + identity.directory() + " (valid until "
                        + cert.getNotAfter().toInstant() + "); this host is enrolled as " + identity.keyId());
                return 0;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                top.out().println("not approved yet. After the administrator approved key id " + identity.keyId()
                        + ", run: zcc enroll --finish --identity " + identity.directory());
                return WAITING;
            }
            Thread.sleep(Math.max(1, Math.min(POLL_EVERY.toMillis(), left / 1_000_000)));
        }
    }

    /** The first line of {@code file}; a warning if group or others may read it (it is a secret until used). */
    private String readTokenFile(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            Set<PosixFilePermission> perms;
            try {
                perms = Files.getPosixFilePermissions(file);
            } catch (UnsupportedOperationException e) {
                perms = Set.of();
            }
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                top.err().println("zcc enroll: warning: " + file + " has mode " + PosixFilePermissions.toString(perms)
                        + ": others on this host may have read the token (chmod 600 " + file + "; delete it after use)");
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            return firstLine(in, "--token-file " + file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("--token-file " + file + ": no such file");
        }
    }

    /** From the terminal without echo, or the first line of standard input. */
    private static String readTokenFromStdin() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("enrollment token: ");
            if (typed == null) {
                throw new IllegalArgumentException("--token -: no token on standard input");
            }
            String t = new String(typed).trim();
            java.util.Arrays.fill(typed, ' ');
            if (t.isEmpty()) {
                throw new IllegalArgumentException("--token -: no token on standard input");
            }
            return t;
        }
        return firstLine(System.in, "--token - (standard input)");
    }

    /** The first line, trimmed; at most MAX_TOKEN_LINE bytes are read. */
    static String firstLine(InputStream in, String source) throws IOException {
        byte[] bytes = in.readNBytes(MAX_TOKEN_LINE);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        if (nl < 0 && bytes.length == MAX_TOKEN_LINE) {
            throw new IllegalArgumentException(source + ": the first line is longer than " + MAX_TOKEN_LINE
                    + " bytes; not a token");
        }
        String line = (nl >= 0 ? text.substring(0, nl) : text).trim();
        if (line.isEmpty()) {
            throw new IllegalArgumentException(source + ": no token (the first line is empty)");
        }
        return line;
    }

    private int usage(String why) {
        top.err().println("zcc enroll: " + why);
        return CommandLine.ExitCode.USAGE;
    }

    private static X509Certificate readCertificate(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM or DER X.509 certificate");
        }
    }

    /** 0, 500ms, 30s, 10m, 1h, or ISO-8601 (PT30S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final java.util.regex.Pattern SHORT = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

        @Override
        public Duration convert(String text) {
            java.util.regex.Matcher m = SHORT.matcher(text.trim());
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            } else {
                try {
                    d = Duration.parse(text.trim());
                } catch (RuntimeException e) {
                    throw new CommandLine.TypeConversionException("not a duration: " + text + " (e.g. 30s, 10m, 1h)");
                }
            }
            if (d.isNegative()) {
                throw new CommandLine.TypeConversionException("a duration cannot be negative: " + text);
            }
            return d;
        }
    }
}
