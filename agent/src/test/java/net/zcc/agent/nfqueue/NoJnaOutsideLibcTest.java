package net.zcc.agent.nfqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** JNA stays in Libc and NetlinkSocket: the rest of the package (and agent) never sees it. */
class NoJnaOutsideLibcTest {
    @Test
    void onlyLibcAndNetlinkSocketImportJna() throws IOException {
        Path dir = Path.of("src/main/java/net/zcc/agent/nfqueue");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> users = files.filter(f -> contains(f, "com.sun.jna"))
                    .map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(List.of("Libc.java", "NetlinkSocket.java"), users);
        }
    }

    private static boolean contains(Path f, String s) {
        try {
            return Files.readString(f).contains(s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
