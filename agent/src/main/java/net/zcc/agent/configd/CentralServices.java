package net.zcc.agent.configd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.zcc.servicefile.ServiceFile;
import net.zcc.servicefile.ServiceFileException;
import net.zcc.servicefile.ServiceFileParser;

/**
 * The central service set the console pushed, kept on disk so that it survives a restart:
 * {@code STATE_DIR/central-services.rREVISION.xml}, a plain service file (an operator can read it
 * and {@code zcc validate} it). The revision is in the name, so file and revision appear together
 * in one atomic rename; a new revision is written (temporary file, fsync, rename, fsync of the
 * directory) before the older ones are deleted, and loading takes the highest revision that
 * parses, so a crash at any point leaves the old set or the new one, never a mixture.
 */
public final class CentralServices {
    private static final Pattern NAME = Pattern.compile("central-services\\.r(\\d{1,18})\\.xml");

    /** A central set: its revision, its services and the file that holds it. */
    public record Central(long revision, ServiceFile services, Path file) {
    }

    private final Path dir;

    public CentralServices(Path stateDir) {
        this.dir = stateDir;
    }

    public Path directory() {
        return dir;
    }

    /** The file a revision is kept in. */
    public Path fileOf(long revision) {
        return dir.resolve("central-services.r" + revision + ".xml");
    }

    /** The highest stored revision that parses; empty when none was ever pushed (or none parses). */
    public Optional<Central> load(ServiceFileParser parser) throws IOException {
        for (Path f : revisionsNewestFirst()) {
            try {
                return Optional.of(new Central(revisionOf(f), parser.parse(f), f));
            } catch (ServiceFileException e) {
                System.getLogger("zcc.configd").log(System.Logger.Level.WARNING,
                        "central service set {0} is unreadable, trying an older one:\n{1}", f, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Stores {@code xml} (already validated) as {@code revision}; older revisions are deleted after. */
    public Path save(long revision, byte[] xml) throws IOException {
        Files.createDirectories(dir);
        Path target = fileOf(revision);
        Path tmp = Files.createTempFile(dir, ".central-services", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(xml));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } finally {
            Files.deleteIfExists(tmp);
        }
        for (Path f : revisionsNewestFirst()) {
            if (revisionOf(f) < revision) {
                Files.deleteIfExists(f);
            }
        }
        return target;
    }

    /** Removes a revision that was saved but could not be applied (the push is refused). */
    public void discard(long revision) throws IOException {
        Files.deleteIfExists(fileOf(revision));
    }

    private List<Path> revisionsNewestFirst() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .sorted((a, b) -> Long.compare(revisionOf(b), revisionOf(a)))
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static long revisionOf(Path f) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the rename itself is still atomic.
        }
    }
}
