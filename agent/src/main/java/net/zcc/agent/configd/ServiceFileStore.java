package net.zcc.agent.configd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import net.zcc.contract.files.OwnerOnlyFiles;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileWriter;

/**
 * Saves the service file so that a reader (the daemon on SIGHUP, a crash, a power cut) sees either
 * the old file or the new one, never half of one: the previous version is kept as
 * {@code NAME.bak}, then the new one replaces the file atomically and durably
 * ({@link OwnerOnlyFiles#write}). The file keeps its mode, owner and group: the packaged agent
 * runs as its own user and must still read a file root edited with {@code zcc service}. A new
 * file is 0644: it holds no secret.
 */
public final class ServiceFileStore {
    private ServiceFileStore() {
    }

    public static Path backupOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".bak");
    }

    public static void save(Path file, ServiceFile content) throws IOException {
        byte[] xml = ServiceFileWriter.toXml(content).getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!Files.exists(file)) {
            OwnerOnlyFiles.write(file, xml, OwnerOnlyFiles.PUBLIC);
            return;
        }
        PosixFileAttributes was = Files.readAttributes(file, PosixFileAttributes.class);
        Files.copy(file, backupOf(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        OwnerOnlyFiles.write(file, xml, was.permissions());
        PosixFileAttributeView now = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (!now.readAttributes().owner().equals(was.owner()) || !now.readAttributes().group().equals(was.group())) {
            now.setOwner(was.owner()); // only root gets here (another user cannot replace root's file)
            now.setGroup(was.group());
        }
    }
}
