package net.zcc.contract.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modes from the first byte on, atomic replacement, and the refusals with their fixes. */
class OwnerOnlyFilesTest {

    @TempDir
    Path tmp;

    @Test
    void createsThePrivateDirectoryWithItsParents() throws Exception {
        Path dir = tmp.resolve("a/b/private");
        OwnerOnlyFiles.createDirectory(dir);
        assertEquals("rwx------", mode(dir));
        OwnerOnlyFiles.requireDirectory(dir, "test directory");
        Files.writeString(tmp.resolve("file"), "x");
        assertThrows(IOException.class, () -> OwnerOnlyFiles.createDirectory(tmp.resolve("file")));
    }

    @Test
    void writesReplaceAtomicallyWithTheModeAskedFor() throws Exception {
        Path key = tmp.resolve("key.pem");
        OwnerOnlyFiles.write(key, new byte[] {1});
        OwnerOnlyFiles.write(key, new byte[] {2, 3});
        assertArrayEquals(new byte[] {2, 3}, OwnerOnlyFiles.read(key, "key"));
        assertEquals("rw-------", mode(key));
        Path cert = tmp.resolve("cert.pem");
        OwnerOnlyFiles.write(cert, new byte[] {4}, OwnerOnlyFiles.PUBLIC);
        assertEquals("rw-r--r--", mode(cert));
        try (var left = Files.list(tmp)) {
            assertEquals(List.of("cert.pem", "key.pem"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left behind");
        }
    }

    @Test
    void refusesWhatGroupOrOthersMayUseAndSaysHowToFixIt() throws Exception {
        Path file = tmp.resolve("key");
        OwnerOnlyFiles.write(file, new byte[] {1});
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        IOException f = assertThrows(IOException.class, () -> OwnerOnlyFiles.requireFile(file, "key file"));
        assertEquals("key file " + file + " has mode 0640; it must be 0600 (no access for group or others): chmod 600 "
                + file, f.getMessage());
        Path dir = tmp.resolve("dir");
        OwnerOnlyFiles.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        IOException d = assertThrows(IOException.class, () -> OwnerOnlyFiles.requireDirectory(dir, "key directory"));
        assertTrue(d.getMessage().contains("mode 0755; it must be 0700") && d.getMessage().endsWith("chmod 700 " + dir),
                d.getMessage());
        assertEquals(List.of(dir, file), OwnerOnlyFiles.exposed(tmp).stream().filter(p -> !p.equals(tmp)).sorted().toList());
    }

    @Test
    void refusesLinksAndWhatIsMissing() throws Exception {
        Path target = tmp.resolve("target");
        OwnerOnlyFiles.write(target, new byte[] {1});
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        IOException e = assertThrows(IOException.class, () -> OwnerOnlyFiles.read(link, "key file"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertThrows(IOException.class, () -> OwnerOnlyFiles.requireFile(tmp.resolve("missing"), "key file"));
        assertThrows(IOException.class, () -> OwnerOnlyFiles.requireDirectory(target, "key directory"));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
