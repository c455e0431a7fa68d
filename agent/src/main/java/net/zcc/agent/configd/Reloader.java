package net.zcc.agent.configd;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileException;
import net.zcc.servicefile.ServiceFileParser;

/**
 * Turns the service file into kernel rules: parse, validate, render, apply, then swap.
 *
 * <p>Every step before the swap can fail; a failure leaves the running rules (and so the packet
 * processing) exactly as they were and says why. Each applied reload logs the hashes of the old
 * and new rulesets, so an operator can tell from the log whether anything changed.
 */
public final class Reloader {
    private static final Logger LOG = System.getLogger("zcc.configd");

    /** The configuration in force: what the kernel runs and where it came from. */
    public record Active(ServiceFile services, String ruleset, String hash) {
    }

    /** What one reload did. */
    public record Outcome(boolean applied, String message) {
    }

    private final Path file;
    private final Firewall firewall;
    private final RuleOptions options;
    private final ServiceFileParser parser;
    private final java.util.function.Consumer<ServiceFile> onApplied;
    private volatile Active active;

    public Reloader(Path file, Firewall firewall, RuleOptions options, Set<String> knownSchemes,
            java.util.function.Consumer<ServiceFile> onApplied) {
        this.file = file;
        this.firewall = firewall;
        this.options = options;
        this.parser = new ServiceFileParser(knownSchemes);
        this.onApplied = onApplied;
    }

    /** The configuration in force, or null before the first successful load. */
    public Active active() {
        return active;
    }

    /** Reads the file and applies it; synchronized so overlapping SIGHUPs apply one at a time. */
    public synchronized Outcome reload() {
        ServiceFile next;
        try {
            next = parser.parse(file);
        } catch (ServiceFileException e) {
            return refuse("service file refused, running configuration kept:\n" + e.getMessage());
        }
        String ruleset = NftRenderer.render(next, options, file.toString());
        String hash = hash(ruleset);
        Active old = active;
        // The data plane learns the services before the kernel starts queueing their SYNs, so
        // the first SYN of a new service already gets its OFFER.
        onApplied.accept(next);
        try {
            firewall.apply(ruleset);
        } catch (java.io.IOException e) {
            onApplied.accept(old == null ? ServiceFile.empty() : old.services());
            return refuse("ruleset refused by the kernel, running configuration kept: " + e.getMessage());
        }
        active = new Active(next, ruleset, hash);
        String msg = String.format("reloaded %s: %d of %d services enabled; ruleset %s -> %s%s", file,
                next.enabled().size(), next.services().size(), old == null ? "none" : old.hash(), hash,
                old != null && old.hash().equals(hash) ? " (unchanged)" : "");
        LOG.log(Level.INFO, msg);
        return new Outcome(true, msg);
    }

    private Outcome refuse(String msg) {
        LOG.log(Level.WARNING, msg);
        return new Outcome(false, msg);
    }

    /** First 16 hex digits of SHA-256: enough to tell rulesets apart in a log. */
    static String hash(String ruleset) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(ruleset.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
