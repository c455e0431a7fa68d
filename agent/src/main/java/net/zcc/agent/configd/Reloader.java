package net.zcc.agent.configd;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import net.zcc.servicefile.Problem;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileException;
import net.zcc.servicefile.ServiceFileParser;

/**
 * Turns the service configuration into kernel rules: parse, validate, merge, render, apply, then
 * swap. The configuration is the local service file merged with the central set the console
 * pushed ({@link ServiceMerge}); SIGHUP, start-up and a push all take the same path.
 *
 * <p>Every step before the swap can fail; a failure leaves the running rules (and so the packet
 * processing) exactly as they were and says why. Each applied reload logs the hashes of the old
 * and new rulesets, so an operator can tell from the log whether anything changed.
 */
public final class Reloader {
    private static final Logger LOG = System.getLogger("zcc.configd");
    public static final String START = "start";
    public static final String SIGHUP = "sighup";
    public static final String PUSH = "push";

    /** The configuration in force: the merge the kernel runs, its ruleset and the central revision in it. */
    public record Active(ServiceMerge.Merged merged, String ruleset, String hash, long centralRevision) {
        public ServiceFile services() {
            return merged.effective();
        }
    }

    /** What one reload or push did; {@code problems} are the parser's located messages. */
    public record Outcome(boolean applied, String message, List<String> problems, String trigger,
            long timeEpochMillis, List<String> overridden) {
        public Outcome {
            problems = List.copyOf(problems);
            overridden = List.copyOf(overridden);
        }
    }

    private final Path file;
    private final Firewall firewall;
    private final RuleOptions options;
    private final ServiceFileParser parser;
    private final Consumer<ServiceFile> onApplied;
    private final CentralServices store;
    private CentralServices.Central central;
    private volatile Active active;
    private volatile Outcome last;

    /** A reloader without a central set (tests of the local file alone). */
    public Reloader(Path file, Firewall firewall, RuleOptions options, Set<String> knownSchemes,
            Consumer<ServiceFile> onApplied) {
        this(file, firewall, options, knownSchemes, onApplied, null);
    }

    /**
     * @param store where the central set is kept; null: no central set, pushes are refused
     */
    public Reloader(Path file, Firewall firewall, RuleOptions options, Set<String> knownSchemes,
            Consumer<ServiceFile> onApplied, CentralServices store) {
        this.file = file;
        this.firewall = firewall;
        this.options = options;
        this.parser = new ServiceFileParser(knownSchemes);
        this.onApplied = onApplied;
        this.store = store;
    }

    /** The configuration in force, or null before the first successful load. */
    public Active active() {
        return active;
    }

    /** The outcome of the last reload or push, null before the first. */
    public Outcome lastOutcome() {
        return last;
    }

    /** The revision of the central set in force (0: none). */
    public synchronized long centralRevision() {
        return central == null ? 0 : central.revision();
    }

    /** A SIGHUP reload. */
    public Outcome reload() {
        return reload(SIGHUP);
    }

    /**
     * Reads the local file (and, at start, the stored central set) and applies their merge;
     * synchronized so overlapping SIGHUPs and pushes apply one at a time.
     */
    public synchronized Outcome reload(String trigger) {
        if (START.equals(trigger) && store != null) {
            try {
                central = store.load(parser).orElse(null);
                if (central != null) {
                    LOG.log(Level.INFO, "central service set: revision {0} from {1}", central.revision(), central.file());
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot read the central service set in {0}: {1}", store.directory(), e.getMessage());
            }
        }
        return record(apply(trigger, central));
    }

    /**
     * Replaces the central set (issue 12): validated with the file's own parser, merged with the
     * local file and applied through {@link #apply} like a SIGHUP; kept on disk first, and taken
     * back if it cannot be applied. A revision not above the current one, an invalid document or
     * a local file that does not parse is refused and changes nothing.
     */
    public synchronized Outcome push(long revision, String xml) {
        long current = centralRevision();
        String origin = "push r" + revision;
        if (store == null) {
            return record(refuse(PUSH, "this agent keeps no central service set (no state directory)", List.of()));
        }
        if (revision <= current) {
            return record(refuse(PUSH, "revision " + revision + " refused: not above the revision in force, "
                    + current + "; nothing changed", List.of()));
        }
        byte[] bytes = xml == null ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
        ServiceFile pushed;
        try {
            pushed = parser.parse(new ByteArrayInputStream(bytes), origin);
        } catch (ServiceFileException e) {
            return record(refuse(PUSH, "central set " + origin + " refused, running configuration kept",
                    e.problems().stream().map(Problem::toString).toList()));
        }
        CentralServices.Central next;
        try {
            next = new CentralServices.Central(revision, pushed, store.save(revision, bytes));
        } catch (IOException e) {
            return record(refuse(PUSH, "cannot keep central set " + origin + " in " + store.directory() + ": "
                    + e.getMessage() + "; running configuration kept", List.of()));
        }
        Outcome o = apply(PUSH, next);
        if (o.applied()) {
            central = next;
        } else {
            discard(revision);
        }
        return record(o);
    }

    /** Parse the local file, merge, render, apply; on success swap {@link #active}. */
    private Outcome apply(String trigger, CentralServices.Central withCentral) {
        ServiceFile local;
        try {
            local = parser.parse(file);
        } catch (ServiceFileException e) {
            return refuse(trigger, "service file refused, running configuration kept",
                    e.problems().stream().map(Problem::toString).toList());
        }
        long revision = withCentral == null ? 0 : withCentral.revision();
        ServiceMerge.Merged merged = ServiceMerge.merge(local,
                withCentral == null ? ServiceFile.empty() : withCentral.services(), revision);
        ServiceFile next = merged.effective();
        String ruleset = NftRenderer.render(next, options, file.toString());
        String hash = hash(ruleset);
        Active old = active;
        // The data plane learns the services before the kernel starts queueing their SYNs, so
        // the first SYN of a new service already gets its OFFER.
        onApplied.accept(next);
        try {
            firewall.apply(ruleset);
        } catch (IOException e) {
            onApplied.accept(old == null ? ServiceFile.empty() : old.services());
            return refuse(trigger, "ruleset refused by the kernel, running configuration kept: " + e.getMessage(),
                    List.of());
        }
        active = new Active(merged, ruleset, hash, revision);
        String msg = String.format("reloaded (%s) %s%s: %d of %d services enabled (%d local, %d central, %d overridden);"
                + " ruleset %s -> %s%s", trigger, file, revision > 0 ? " + central r" + revision : "",
                next.enabled().size(), next.services().size(), local.services().size(),
                next.services().size() - local.services().size(), merged.overridden().size(),
                old == null ? "none" : old.hash(), hash, old != null && old.hash().equals(hash) ? " (unchanged)" : "");
        LOG.log(Level.INFO, msg);
        merged.overridden().forEach(o -> LOG.log(Level.INFO, "central entry overridden: {0}", o));
        return new Outcome(true, msg, List.of(), trigger, System.currentTimeMillis(), merged.overridden());
    }

    private void discard(long revision) {
        try {
            store.discard(revision);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove refused central set r{0}: {1}", revision, e.getMessage());
        }
    }

    private Outcome record(Outcome o) {
        last = o;
        return o;
    }

    private static Outcome refuse(String trigger, String msg, List<String> problems) {
        LOG.log(Level.WARNING, problems.isEmpty() ? msg : msg + ":\n" + String.join("\n", problems));
        return new Outcome(false, msg, problems, trigger, System.currentTimeMillis(), List.of());
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
