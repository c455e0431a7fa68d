package net.zcc.keyserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.admin.AdminsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call {@code Admin.*}: the key ids given at start ({@code --admin}) and those listed in
 * {@code <home>/admins} ({@link AdminsFile}).
 *
 * <p>The file is looked at no more than once per {@code recheck} (the host-state cache's TTL) and
 * re-read only when it changed (modification time, size or inode), so {@code zcc-keyserver
 * admin-init} takes effect on a running key server within that interval, without a restart. A
 * file that becomes unsafe (open to group or others, another owner, a symlink) or unreadable after
 * start counts as empty until fixed, logged once: fail closed. At start the same faults refuse to
 * start ({@link #open}).
 */
public final class AdminSet implements Predicate<KeyId> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminSet.class);

    /** What the file looked like when last read, to tell whether it changed. */
    private record Stamp(long modifiedMillis, long size, Object fileKey) {
        static final Stamp MISSING = new Stamp(-1, -1, null);
    }

    private record Snapshot(Set<KeyId> fromFile, Stamp stamp, long checkedAtNanos) { }

    private final Set<KeyId> configured;
    private final Path file;
    private final long recheckNanos;
    private volatile Snapshot snapshot;

    private AdminSet(Set<KeyId> configured, Path file, Duration recheck, Snapshot first) {
        this.configured = Set.copyOf(configured);
        this.file = Objects.requireNonNull(file);
        this.recheckNanos = recheck.toNanos();
        this.snapshot = first;
    }

    /**
     * The configured ids plus those in {@code file} (which may not exist yet).
     *
     * @throws IOException if the file exists but is unsafe or holds a line that is not a key id
     */
    public static AdminSet open(Set<KeyId> configured, Path file, Duration recheck) throws IOException {
        Stamp stamp = stamp(file);
        Set<KeyId> fromFile = AdminsFile.read(file);
        if (!fromFile.isEmpty()) {
            LOG.info("{} administrator key id(s) from {}", fromFile.size(), file);
        }
        return new AdminSet(configured, file, recheck, new Snapshot(fromFile, stamp, System.nanoTime()));
    }

    /** True if {@code id} is an administrator now. */
    @Override
    public boolean test(KeyId id) {
        return configured.contains(id) || current().contains(id);
    }

    private Set<KeyId> current() {
        Snapshot s = snapshot;
        long now = System.nanoTime();
        if (now - s.checkedAtNanos() < recheckNanos) {
            return s.fromFile();
        }
        synchronized (this) {
            s = snapshot;
            if (now - s.checkedAtNanos() >= recheckNanos) {
                s = recheck(s, now);
                snapshot = s;
            }
            return s.fromFile();
        }
    }

    private Snapshot recheck(Snapshot old, long now) {
        Stamp stamp;
        try {
            stamp = stamp(file);
        } catch (IOException e) {
            return failed(old, Stamp.MISSING, now, e);
        }
        if (stamp.equals(old.stamp())) {
            return new Snapshot(old.fromFile(), stamp, now);
        }
        try {
            Set<KeyId> ids = AdminsFile.read(file);
            LOG.info("admins file {} changed: {} administrator key id(s) from it now", file, ids.size());
            return new Snapshot(ids, stamp, now);
        } catch (IOException e) {
            return failed(old, stamp, now, e);
        }
    }

    private Snapshot failed(Snapshot old, Stamp stamp, long now, IOException e) {
        if (!stamp.equals(old.stamp()) || !old.fromFile().isEmpty()) {
            LOG.warn("admins file ignored until fixed (no administrator from it): {}", e.getMessage());
        }
        return new Snapshot(Set.of(), stamp, now);
    }

    private static Stamp stamp(Path file) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Stamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
        } catch (NoSuchFileException e) {
            return Stamp.MISSING;
        }
    }
}
