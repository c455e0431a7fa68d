package net.zcc.agent.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        ConnectionKeys k = ConnectionKeys.derive(new byte[32], new byte[8], new byte[8], 1);
        assertEquals("ConnectionKeys[hidden]", k.toString());
        assertThrows(IllegalArgumentException.class, () -> k.encKey(2));
        assertThrows(IllegalArgumentException.class, () -> ConnectionKeys.derive(new byte[31], new byte[8], new byte[8], 1));
    }
}
