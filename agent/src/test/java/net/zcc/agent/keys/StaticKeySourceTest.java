package net.zcc.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import net.zcc.agent.crypto.VectorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class StaticKeySourceTest {

    private static final String K1 = "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";
    private static final String K2 = "ff".repeat(32);

    @TempDir
    Path dir;

    private Path write(String text, String mode) throws IOException {
        Path f = dir.resolve("keys");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    static List<VectorFile.Vector> keyIds() {
        return VectorFile.load("key-id.txt");
    }

    @ParameterizedTest
    @MethodSource("keyIds")
    void keyIdMatchesVector(VectorFile.Vector v) {
        assertEquals(Integer.parseUnsignedInt(v.get("key_id"), 16), KeyLine.keyId(v.hex("key")));
    }

    @Test
    void loadsPeersAndDefaultAndLooksUpById() throws Exception {
        Path f = write("# keys\n\n198.18.12.10 " + K1 + "  # web\n2001:2:ff::7\t" + K2 + "\n* " + K2 + "\n", "rw-------");
        StaticKeySource src = StaticKeySource.load(f);
        SessionKey k = src.current(InetAddress.getByName("198.18.12.10")).orElseThrow();
        assertEquals(0x80e49b6b, k.id());
        assertEquals(K1, HexFormat.of().formatHex(k.key()));
        assertEquals(0x48c0bd1c, src.current(InetAddress.getByName("2001:2:ff:0::7")).orElseThrow().id());
        assertEquals(0x48c0bd1c, src.current(InetAddress.getByName("198.18.14.1")).orElseThrow().id(), "default line");
        assertTrue(src.byId(InetAddress.getByName("198.18.12.10"), 0x80e49b6b).isPresent());
        assertFalse(src.byId(InetAddress.getByName("198.18.12.10"), 0x48c0bd1c).isPresent());
    }

    @Test
    void withoutDefaultAnUnknownPeerHasNoKey() throws Exception {
        StaticKeySource src = StaticKeySource.load(write("198.18.12.10 " + K1 + "\n", "r--------"));
        assertTrue(src.current(InetAddress.getByName("198.18.12.11")).isEmpty());
    }

    @ParameterizedTest
    @CsvSource({"rw-r--r--,0644", "rw-rw----,0660", "rw----r--,0604", "rwx------,0700"})
    void refusesModesOtherThan0600And0400(String mode, String octal) throws Exception {
        Path f = write("198.18.12.10 " + K1 + "\n", mode);
        IOException e = assertThrows(IOException.class, () -> StaticKeySource.load(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(octal), e.getMessage());
    }

    @Test
    void refusesAFileOfAnotherUser() throws Exception {
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root to chown");
        Path f = write("198.18.12.10 " + K1 + "\n", "rw-------");
        Files.setAttribute(f, "unix:uid", 65534);
        IOException e = assertThrows(IOException.class, () -> StaticKeySource.load(f));
        assertTrue(e.getMessage().contains("owned by uid 65534"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "198.18.12.10                                              | expected",
        "198.18.12.10 abcd                                         | 64 hex digits",
        "example.com " + K1 + "                                  | host names are not allowed",
        "198.18.12.10 " + K1 + " extra                             | 3 fields",
        "198.18.12.300 " + K1 + "                                  | not an IPv4 or IPv6",
        K1 + " 198.18.12.10                                        | order is <peer> <key>",
        "198.18.12.10 " + "zz" + "00000000000000000000000000000000000000000000000000000000000000 | 64 hex digits"})
    void refusesBadLinesWithFileAndLine(String line, String why) throws Exception {
        Path f = write("# first line is a comment\n" + line.strip() + "\n", "rw-------");
        IOException e = assertThrows(IOException.class, () -> StaticKeySource.load(f));
        assertTrue(e.getMessage().startsWith(f + ":2: "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertFalse(e.getMessage().contains(K1), "a message must never echo a key");
    }

    @Test
    void refusesASecondKeyForOnePeer() throws Exception {
        Path f = write("198.18.12.10 " + K1 + "\n* " + K1 + "\n198.18.12.10 " + K2 + "\n", "rw-------");
        IOException e = assertThrows(IOException.class, () -> StaticKeySource.load(f));
        assertTrue(e.getMessage().startsWith(f + ":3: a second key for peer 198.18.12.10"), e.getMessage());
    }

    @Test
    void toStringNeverShowsKeys() throws Exception {
        StaticKeySource src = StaticKeySource.load(write("198.18.12.10 " + K1 + "\n* " + K2 + "\n", "rw-------"));
        SessionKey k = src.current(InetAddress.getByName("198.18.12.10")).orElseThrow();
        assertEquals("SessionKey[id=80e49b6b, key=hidden]", k.toString());
        assertFalse(src.toString().contains(K1) || src.toString().toLowerCase().contains("ffffffff"), src.toString());
    }
}
