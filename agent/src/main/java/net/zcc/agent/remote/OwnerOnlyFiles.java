package net.zcc.agent.remote;

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
import java.util.EnumSet;
import java.util.Set;

/**
 * Files only the agent's user may touch: the identity directory (0700) and everything in it
 * (0600). Writes are atomic and durable (temporary file with the final mode from the start, fsync
 * of the file, rename, fsync of the directory), so a crash never leaves a half-written key or
 * loses a completed write, and no key is readable by others even for a moment.
 * Reads refuse symbolic links, files of other users and any group or other permission bit.
 */
final class OwnerOnlyFiles {

    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {
    }

    /** Creates {@code dir} with mode 0700 if missing (parents as usual), then checks it. */
    static void createDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        checkDirectory(dir);
    }

    /** Refuses a directory that is a link, not ours, or open to group or others. */
    static void checkDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("identity directory " + dir + " is missing or not a directory");
        }
        checkOwnerOnly(dir, "identity directory", "chmod 700 ");
    }

    /** Refuses a file that is a link, not a regular file, not ours, or open to group or others. */
    static void checkFile(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is missing or not a regular file");
        }
        checkOwnerOnly(file, "file", "chmod 600 ");
    }

    /** Reads a file after {@link #checkFile}. */
    static byte[] read(Path file) throws IOException {
        checkFile(file);
        return Files.readAllBytes(file);
    }

    /** Replaces {@code file} atomically with {@code content}, mode 0600. */
    static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
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

    /** fsync of a directory (works on Linux; a file system that refuses it is not an error). */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException e) {
            // not every platform or file system can sync a directory; the rename is still atomic
        }
    }

    private static void checkOwnerOnly(Path p, String what, String fix) throws IOException {
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        long me = new com.sun.security.auth.module.UnixSystem().getUid();
        if (owner != me) {
            throw new IOException(what + " " + p + " is owned by uid " + owner + ", not by uid " + me
                    + "; refusing to use it");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (perms.stream().anyMatch(GROUP_OR_OTHER::contains)) {
            throw new IOException(what + " " + p + " has mode " + PosixFilePermissions.toString(perms)
                    + "; group and others must have no access: " + fix + p);
        }
    }
}
