package net.zcc.contract.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files that hold keys, credentials or the key store: directories 0700, files 0600 (a certificate
 * may be written 0644). Both sides use it: the agent for its identity directory and service
 * file, the key server for the fleet CA, the admin credentials, the admins file and its home.
 *
 * <p>Writes are atomic and durable: a temporary file in the same directory, created 0600 so the
 * content is never readable by others even for a moment, written and fsynced, given its final
 * mode, renamed over the target, then the directory fsynced. A crash never leaves a half-written
 * key and never loses a completed write. Checks refuse symbolic links, another owner and any
 * group or other permission bit, and say how to fix the mode.
 */
public final class OwnerOnlyFiles {

    /** A private directory. */
    public static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** A private file. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** A certificate: public by nature. */
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {
    }

    /**
     * Creates {@code dir} with mode 0700 if it is missing; missing parents get the default mode
     * (they are shared places such as /etc/zcc, whose modes are the administrator's). An existing
     * directory is left as it is; anything else there is refused.
     */
    public static void createDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
            Files.setPosixFilePermissions(dir, OWNER_DIRECTORY); // the umask may have narrowed it; never wider
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
    }

    /** Refuses a directory that is missing, a link, not ours, or open to group or others. */
    public static void requireDirectory(Path dir, String what) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(what + " " + dir + " is missing, a symbolic link or not a directory");
        }
        requireOwnerOnly(dir, what, "0700", "chmod 700 ");
    }

    /** Refuses a file that is missing, a link, not a regular file, not ours, or open to group or others. */
    public static void requireFile(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(what + " " + file + " is missing, a symbolic link or not a regular file");
        }
        requireOwnerOnly(file, what, "0600", "chmod 600 ");
    }

    /** Reads a file after {@link #requireFile}. */
    public static byte[] read(Path file, String what) throws IOException {
        requireFile(file, what);
        return Files.readAllBytes(file);
    }

    /** Replaces {@code file} atomically and durably with {@code content}, mode 0600. */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, OWNER_ONLY);
    }

    /** Replaces {@code file} atomically and durably with {@code content}, mode {@code mode}. */
    public static void write(Path file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            if (!mode.equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(tmp, mode);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically", e);
            }
            syncDirectory(dir); // the rename itself survives a crash only once the directory is on disk
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Every path under {@code root} (root included) that group or others may use. */
    public static List<Path> exposed(Path root) throws IOException {
        List<Path> exposed = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (opensToGroupOrOthers(Files.getPosixFilePermissions(p))) {
                    exposed.add(p);
                }
            }
        }
        return exposed;
    }

    /** fsync of a directory (works on Linux; a file system that refuses it is not an error). */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException e) {
            // not every platform or file system can sync a directory; the rename is still atomic
        }
    }

    private static void requireOwnerOnly(Path p, String what, String mode, String fix) throws IOException {
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        long me = new com.sun.security.auth.module.UnixSystem().getUid();
        if (owner != me) {
            throw new IOException(what + " " + p + " is owned by uid " + owner + ", not by uid " + me
                    + "; refusing to use it");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (opensToGroupOrOthers(perms)) {
            throw new IOException(what + " " + p + " has mode " + octal(perms) + "; it must be " + mode
                    + " (no access for group or others): " + fix + p);
        }
    }

    private static boolean opensToGroupOrOthers(Set<PosixFilePermission> perms) {
        return perms.stream().anyMatch(GROUP_OR_OTHER::contains);
    }

    /** {@code 0644} for rw-r--r--. */
    public static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal()); // the enum is declared in rwxrwxrwx order
        }
        return String.format("%04o", mode);
    }
}
