package net.zcc.agent.nfqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InheritedSignalsTest {
    @Test
    void readsTheIgnoredMaskOfProcStatus() throws IOException {
        // nohup: SIGHUP (bit 0) ignored; bash: SIGQUIT (bit 2) too
        assertEquals(0x5L, InheritedSignals.ignoredMask(List.of("Name:\tjava", "SigBlk:\t0000000000010000",
                "SigIgn:\t0000000000000005", "SigCgt:\t0000000000000000")));
        assertEquals(0x8000000000000000L, InheritedSignals.ignoredMask(List.of("SigIgn:\t8000000000000000")));
    }

    @Test
    void aStatusWithoutTheLineIsAnError() {
        assertThrows(IOException.class, () -> InheritedSignals.ignoredMask(List.of("Name:\tjava")));
    }

    @Test
    void unknownSignalNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> InheritedSignals.restoreDefaults(List.of("USR9")));
    }
}
