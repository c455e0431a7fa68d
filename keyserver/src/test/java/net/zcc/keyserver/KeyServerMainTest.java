package net.zcc.keyserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Option handling of {@link KeyServerMain} that needs no running server. */
class KeyServerMainTest {

    @TempDir
    Path home;

    @Test
    void helpExitsZero() {
        assertEquals(0, new CommandLine(new KeyServerMain()).execute("--help"));
    }

    @Test
    void missingHomeIsAUsageError() {
        assertEquals(2, new CommandLine(new KeyServerMain()).execute("--port", "0"));
    }

    @Test
    void bindTakesOneLocalIpLiteralNeitherWildcardNorName() {
        for (String bad : new String[] {"0.0.0.0", "::", "localhost", "256.1.1.1"}) {
            assertEquals(2, new CommandLine(new KeyServerMain()).execute("--home", home.toString(), "--bind", bad), bad);
        }
    }

    @Test
    void ipLiteralsParseWithoutNameLookups() throws Exception {
        assertEquals(InetAddress.getByName("127.0.0.2"), KeyServerMain.ipLiteral("127.0.0.2"));
        assertEquals(InetAddress.getByName("2001:2::1"), KeyServerMain.ipLiteral("[2001:2::1]"));
        assertThrows(IllegalArgumentException.class, () -> KeyServerMain.ipLiteral("example.invalid"));
        assertThrows(IllegalArgumentException.class, () -> KeyServerMain.ipLiteral("1.2.3"));
    }

    @Test
    void aDatabasePasswordFileOthersCanReadIsRefusedBeforeItIsRead() throws Exception {
        Path pw = home.resolve("db-password");
        java.nio.file.Files.writeString(pw, "a-long-enough-password");
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
            java.nio.file.Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            assertEquals(1, new CommandLine(new KeyServerMain()).execute("--home", home.resolve("h").toString(),
                    "--db-password-file", pw.toString()), "the server does not start with mode " + mode);
        }
    }

    @Test
    void adminSubcommandsHaveHelpAndUsageErrors() {
        assertEquals(0, new CommandLine(new KeyServerMain()).execute("admin-init", "--help"));
        assertEquals(0, new CommandLine(new KeyServerMain()).execute("admin", "--help"));
        assertEquals(2, new CommandLine(new KeyServerMain()).execute("admin-init", "--out", home.toString()));
        assertEquals(2, new CommandLine(new KeyServerMain()).execute("admin-init", "--home", home.toString(),
                "--out", home.resolve("a").toString(), "--days", "400"));
        assertEquals(2, new CommandLine(new KeyServerMain()).execute("admin", "token"));
    }
}
