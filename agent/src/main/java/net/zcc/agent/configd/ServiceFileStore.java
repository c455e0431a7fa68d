package net.zcc.agent.configd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import net.zcc.contract.files.OwnerOnlyFiles;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileWriter;

/**
 * Saves the service file so that a reader (the daemon on SIGHUP, a crash, a power cut) sees either
 * the old file or the new one, never half of one: the previous version is kept as
 * {@code NAME.bak}, then the new one replaces the file atomically and durably, mode 0600
 * ({@link OwnerOnlyFiles#write}).
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
        if (Files.exists(file)) {
            Files.copy(file, backupOf(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        OwnerOnlyFiles.write(file, xml);
    }
}
