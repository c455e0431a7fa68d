package net.zcc.keyserver.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Keeps the store's files private to the owner: directories 0700, files 0600. */
final class OwnerOnlyFiles {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {
    }

    /** Creates {@code dir} as 0700 if missing; an existing one is narrowed to 0700. */
    static void ensurePrivateDirectory(Path dir) throws IOException {
        if (Files.notExists(dir)) {
            // Created with the mode in one step, so there is no window where it is wider.
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        }
        Files.setPosixFilePermissions(dir, DIRECTORY);
    }

    /** Returns every path under {@code root} (root included) that group or others may use. */
    static List<Path> exposed(Path root) throws IOException {
        List<Path> exposed = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (perms.stream().anyMatch(GROUP_OR_OTHER::contains)) {
                    exposed.add(p);
                }
            }
        }
        return exposed;
    }
}
