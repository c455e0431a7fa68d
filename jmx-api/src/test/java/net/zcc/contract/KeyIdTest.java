package net.zcc.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The key id rule against known answers (computed with Python's hashlib), and its text form. */
class KeyIdTest {

    @Test
    void isTheFirst16BytesOfSha256OfTheStaticKey() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0x11);
        assertEquals("02d449a31fbb267c8f352e9968a79e3e", KeyId.of(key).hex());
        assertEquals("d49e5c3f552a2df1a0b52f541121bf05",
                KeyId.digest("admin tls key der".getBytes(StandardCharsets.US_ASCII)).hex());
    }

    @Test
    void onlyAnX25519KeyHasAHostKeyId() {
        assertThrows(IllegalArgumentException.class, () -> KeyId.of(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> KeyId.of(null));
    }

    @Test
    void theTextFormIs32LowerCaseHexDigits() {
        assertEquals("0123456789abcdef0123456789abcdef", new KeyId("0123456789abcdef0123456789abcdef").toString());
        for (String bad : new String[] {"0123456789ABCDEF0123456789ABCDEF", "0123", "0123456789abcdef0123456789abcdeg", ""}) {
            assertThrows(IllegalArgumentException.class, () -> new KeyId(bad), bad);
        }
    }
}
