package net.zcc.agent.configd;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileWriter;

/**
 * Saves the service file so that a reader (the daemon on SIGHUP, a crash, a power cut) sees either
 * the old file or the new one, never half of one: write a temporary file in the same directory,
 * flush it to disk, keep the previous version as {@code NAME.bak}, then rename over the original.
 */
public final class ServiceFileStore {
    private ServiceFileStore() {
    }

    public static Path backupOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".bak");
    }

    public static void save(Path file, ServiceFile content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(StandardCharsets.UTF_8.encode(ServiceFileWriter.toXml(content)));
                ch.force(true);
            }
            if (Files.exists(file)) {
                Files.copy(file, backupOf(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
