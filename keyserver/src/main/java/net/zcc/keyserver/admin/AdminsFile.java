package net.zcc.keyserver.admin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.zcc.contract.KeyId;
import net.zcc.contract.files.OwnerOnlyFiles;

/**
 * {@code <home>/admins}: the administrators' key ids, one per line; blank lines and lines starting
 * with {@code #} are comments. Owner-only (0600, owned by the key server's user, no symlink),
 * because whoever can write it can make themselves an administrator.
 *
 * <p>Written by {@code zcc-keyserver admin-init} (append only), read by the key server at start
 * and again whenever it changes (the key server's {@code AdminSet}).
 */
public final class AdminsFile {

    /** The file's name in the key server's home. */
    public static final String NAME = "admins";

    private AdminsFile() { }

    /** The admins file of the key server home {@code home}. */
    public static Path in(Path home) {
        return home.resolve(NAME);
    }

    /**
     * The key ids in {@code file}; empty if it does not exist.
     *
     * @throws IOException if it cannot be read, is not owner-only, or a line is not a key id
     */
    public static Set<KeyId> read(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Set.of();
        }
        OwnerOnlyFiles.requireFile(file, "admins file");
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        Set<KeyId> ids = new LinkedHashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                ids.add(new KeyId(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + ": a key id is 32 lower-case hex digits");
            }
        }
        return Set.copyOf(ids);
    }

    /**
     * Appends {@code id} after a comment line {@code # comment}, creating the file 0600 if needed,
     * and forces it to disk. Appending (not rewriting) keeps a concurrent reader's view whole.
     */
    public static void append(Path file, KeyId id, String comment) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            read(file); // refuses an unsafe or corrupt file before adding to it
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OwnerOnlyFiles.OWNER_ONLY));
        }
        String entry = "# " + comment + "\n" + id.hex() + "\n";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer b = ByteBuffer.wrap(entry.getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }
}
