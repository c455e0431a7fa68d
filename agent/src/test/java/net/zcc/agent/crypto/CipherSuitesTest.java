package net.zcc.agent.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NoSuchElementException;
import net.zcc.servicefile.Schemes;
import org.junit.jupiter.api.Test;

class CipherSuitesTest {

    @Test
    void serviceLoaderFindsBothBuiltInSuites() {
        assertEquals(Schemes.BUILT_IN, CipherSuites.schemes());
        assertEquals(1, CipherSuites.byScheme(Schemes.AES_256).number());
        assertEquals(2, CipherSuites.byScheme(Schemes.CHACHA20).number());
        assertEquals(Schemes.AES_256, CipherSuites.byNumber(1).scheme());
        assertEquals(Schemes.CHACHA20, CipherSuites.byNumber(2).scheme());
    }

    @Test
    void unknownSuitesAreRefused() {
        assertThrows(NoSuchElementException.class, () -> CipherSuites.byScheme("rot13"));
        assertThrows(NoSuchElementException.class, () -> CipherSuites.byNumber(0));
    }

    @Test
    void connectionKeysNeverPrintAndCheckDirection() {
        ConnectionKeys k = ConnectionKeys.derive(new byte[32], new byte[8], new byte[8], 1, 40000, 8080);
        assertEquals("ConnectionKeys[hidden]", k.toString());
        assertThrows(IllegalArgumentException.class, () -> k.encKey(2));
        assertThrows(IllegalArgumentException.class, () -> k.cipher(2));
        assertThrows(IllegalArgumentException.class, () -> ConnectionKeys.derive(new byte[31], new byte[8], new byte[8], 1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> ConnectionKeys.derive(new byte[32], new byte[8], new byte[8], 1, 65536, 2));
    }

    @Test
    void portsAreBoundIntoTheKeys() {
        ConnectionKeys k = ConnectionKeys.derive(new byte[32], new byte[8], new byte[8], 1, 40000, 8080);
        ConnectionKeys swapped = ConnectionKeys.derive(new byte[32], new byte[8], new byte[8], 1, 8080, 40000);
        ConnectionKeys other = ConnectionKeys.derive(new byte[32], new byte[8], new byte[8], 1, 40000, 8081);
        assertFalse(java.util.Arrays.equals(k.macKey(0), swapped.macKey(0)));
        assertFalse(java.util.Arrays.equals(k.macKey(0), other.macKey(0)));
        assertFalse(java.util.Arrays.equals(k.encKey(1), other.encKey(1)));
    }

    @Test
    void wipeZeroesEveryKey() {
        ConnectionKeys k = ConnectionKeys.derive(new byte[32], new byte[8], new byte[8], 2, 1, 2);
        k.wipe();
        for (int d = 0; d < 2; d++) {
            assertTrue(java.util.Arrays.equals(new byte[32], k.encKey(d)));
            assertTrue(java.util.Arrays.equals(new byte[32], k.macKey(d)));
        }
    }
}
