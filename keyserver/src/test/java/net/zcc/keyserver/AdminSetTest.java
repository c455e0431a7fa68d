package net.zcc.keyserver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.admin.AdminsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin set: --admin ids plus the admins file, re-read on change, failing closed. */
class AdminSetTest {

    private static final KeyId FLAG = new KeyId("0".repeat(32));
    private static final KeyId ALICE = new KeyId("a".repeat(32));
    private static final KeyId BOB = new KeyId("b".repeat(32));

    @TempDir
    Path home;

    @Test
    void fileAdminsAreAddedAndPickedUpWhileRunning() throws Exception {
        Path file = AdminsFile.in(home);
        AdminsFile.append(file, ALICE, "alice");
        AdminSet admins = AdminSet.open(Set.of(FLAG), file, Duration.ZERO);
        assertTrue(admins.test(FLAG));
        assertTrue(admins.test(ALICE));
        assertFalse(admins.test(BOB));

        AdminsFile.append(file, BOB, "bob");
        assertTrue(admins.test(BOB), "re-read after the change");

        // A file that becomes writable by others counts as empty (fail closed); --admin ids stay.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.writeString(file, "# widened\n", java.nio.file.StandardOpenOption.APPEND);
        assertFalse(admins.test(ALICE));
        assertTrue(admins.test(FLAG));
    }

    @Test
    void anUnsafeOrCorruptFileRefusesTheStart() throws Exception {
        Path file = AdminsFile.in(home);
        Files.writeString(file, ALICE.hex() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(IOException.class, () -> AdminSet.open(Set.of(), file, Duration.ZERO));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, "not a key id\n");
        assertThrows(IOException.class, () -> AdminSet.open(Set.of(), file, Duration.ZERO));
        Files.delete(file);
        assertFalse(AdminSet.open(Set.of(), file, Duration.ZERO).test(ALICE), "no file: no file admins");
    }
}
