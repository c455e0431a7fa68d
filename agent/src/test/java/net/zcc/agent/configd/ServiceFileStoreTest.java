package net.zcc.agent.configd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import net.zcc.servicefile.ServiceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zcc tool's saves keep the service file readable by whoever read it before (the packaged agent's user). */
class ServiceFileStoreTest {
    @TempDir
    Path dir;

    @Test
    void aNewFileIsWorldReadableAnExistingOneKeepsItsModeOwnerAndGroup() throws Exception {
        Path file = dir.resolve("services.xml");
        ServiceFileStore.save(file, ServiceFile.empty());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        boolean root = "root".equals(System.getProperty("user.name"));
        UserPrincipal nobody = root ? file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody") : null;
        if (root) { // as the package does: root edits a file the agent's user owns
            Files.setOwner(file, nobody);
        }
        PosixFileAttributes before = Files.readAttributes(file, PosixFileAttributes.class);
        ServiceFileStore.save(file, ServiceFile.empty());
        PosixFileAttributes after = Files.readAttributes(file, PosixFileAttributes.class);
        assertEquals("rw-r-----", PosixFilePermissions.toString(after.permissions()));
        assertEquals(before.owner(), after.owner());
        assertEquals(before.group(), after.group());
        assertTrue(Files.exists(ServiceFileStore.backupOf(file)), "the previous version is kept");
    }
}
