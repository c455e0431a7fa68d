package net.zcc.agent.path;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SequenceExtenderTest {
    @Test
    void synIsMinusOneAndFirstByteIsZero() {
        SequenceExtender x = new SequenceExtender(1000);
        assertEquals(-1, x.extend(1000));
        assertEquals(0, x.extendAndAdvance(1001));
        assertEquals(-1, x.extend(1000));
    }

    @Test
    void wrapsPast32BitsWithAnIsnNearTheTop() {
        long isn = 0xffff_fff0L;
        SequenceExtender x = new SequenceExtender(isn);
        assertEquals(0, x.extendAndAdvance(isn + 1));
        long off = 0;
        long seq = isn + 1;
        for (int i = 0; i < 5000; i++) { // 5000 x 1 MB = about 5 GB: more than one full wrap
            seq = (seq + 1_000_000) & 0xffffffffL;
            off += 1_000_000;
            assertEquals(off, x.extendAndAdvance(seq));
        }
        // A retransmission from just before the highest offset stays in the current wrap.
        assertEquals(off - 3000, x.extend((seq - 3000) & 0xffffffffL));
        assertEquals(off + 3000, x.extend((seq + 3000) & 0xffffffffL));
    }

    @Test
    void aForgedFarAwaySequenceDoesNotMoveTheWindowUnlessAdvanced() {
        SequenceExtender x = new SequenceExtender(0);
        x.extendAndAdvance(100);
        long forged = x.extend(0x9000_0000L);
        assertEquals(-1, forged); // nearest is far behind the stream start: clamped to the SYN
        assertEquals(199, x.extend(200));
    }
}
