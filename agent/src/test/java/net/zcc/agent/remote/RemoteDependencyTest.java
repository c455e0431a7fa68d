package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The key server edge stays one package: only {@code remote} speaks XML-RPC or HTTP, and the
 * agent's main code never links the key server's classes (they are on the test classpath only).
 */
class RemoteDependencyTest {
    private static final Path MAIN = Path.of("src/main/java/net/zcc/agent");

    @Test
    void xmlRpcAndHttpOnlyInTheRemotePackage() {
        for (String needle : List.of("import org.apache.xmlrpc", "import java.net.http")) {
            List<String> outside = users(needle).stream().filter(f -> !f.startsWith("remote/")).toList();
            assertEquals(List.of(), outside, needle);
        }
    }

    @Test
    void theAgentNeverLinksTheKeyServer() {
        assertEquals(List.of(), users("net.zcc.keyserver"));
    }

    private static List<String> users(String needle) {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains(needle))
                    .map(f -> MAIN.relativize(f).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
