package net.zcc.keyserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;
import net.zcc.keyserver.admin.AdminsFile;
import net.zcc.keyserver.store.KeyStoreDatabase;

/**
 * The key server's online backup: a directory that is a complete home, taken while the server
 * runs. {@code <home>/backups/<UTC time>/} holds
 * <ul>
 *   <li>{@code keystore/}: Derby's online backup of the store (hosts, keys, tokens);
 *   <li>{@code ca/}: the fleet CA's certificate and key (without them no issued certificate
 *       would verify against a restored server);
 *   <li>{@code admins} and {@code ca.crt}, when present.
 * </ul>
 * Everything owner-only (directories 0700, files 0600), as the home itself. To restore, copy the
 * directory's contents into an empty home and start the key server on it with the same Derby
 * password (docs/OPERATIONS.md, "Backup and restore"). Backups are never deleted here: the
 * operator moves them off the host and prunes them.
 */
final class KeyServerBackup {

    /** Where backups go, inside the home. */
    static final String DIRECTORY = "backups";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final KeyStoreDatabase db;
    private final Path home;
    private final Path caDirectory;
    private final Clock clock;

    KeyServerBackup(KeyStoreDatabase db, Path home, Path caDirectory, Clock clock) {
        this.db = db;
        this.home = home;
        this.caDirectory = caDirectory;
        this.clock = clock;
    }

    /** Takes one backup; returns its directory. One at a time. */
    synchronized Path create() throws IOException {
        Path root = privateDirectory(home.resolve(DIRECTORY));
        String name = NAME.format(clock.instant());
        Path dir = root.resolve(name);
        for (int i = 2; Files.exists(dir, LinkOption.NOFOLLOW_LINKS); i++) {
            dir = root.resolve(name + "-" + i);
        }
        privateDirectory(dir);
        db.backupTo(dir);
        copyTree(caDirectory, dir.resolve("ca"));
        copyFile(AdminsFile.in(home), dir.resolve(AdminsFile.in(home).getFileName().toString()));
        copyFile(home.resolve(KeyServer.PUBLIC_CA_FILE), dir.resolve(KeyServer.PUBLIC_CA_FILE));
        return dir;
    }

    private static Path privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return dir;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        privateDirectory(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    copyFile(f, to.resolve(f.getFileName().toString()));
                }
            }
        }
    }

    /** Copies {@code from} (if it exists) to a new file that is 0600 from the start. */
    private static void copyFile(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.createFile(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
    }
}
