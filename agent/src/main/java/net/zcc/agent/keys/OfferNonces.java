package net.zcc.agent.keys;

/**
 * The OFFER nonces a responder has accepted under one session key (PROTOCOL.md 4, replay): a
 * recorded SYN sent again, onto the same 4-tuple or another, names a nonce seen before and is
 * refused.
 *
 * <p>Memory is bounded: two generations of at most {@link #GENERATION} nonces each; when the
 * current one is full it becomes the old one and the oldest generation is forgotten. So at least
 * the last {@value #GENERATION} nonces are always remembered. A key from the key server is
 * renewed every 2 minutes and takes its memory with it; under a manual key that lives for ever,
 * a replay older than that window gets no further than any spoofed SYN: a half-open connection
 * that no one can complete without the key (PROTOCOL.md, threat model).
 */
final class OfferNonces {
    /** Nonces per generation; two generations hold 2 x 64 Ki x 8 bytes at a load of one half: 2 MiB at most. */
    static final int GENERATION = 1 << 16;
    private LongSet current = new LongSet();
    private LongSet previous = new LongSet();

    /** Records {@code nonce}; false if it was recorded before (within the window). */
    synchronized boolean firstUse(long nonce) {
        if (current.contains(nonce) || previous.contains(nonce)) {
            return false;
        }
        if (current.size() >= GENERATION) {
            previous = current;
            current = new LongSet();
        }
        current.add(nonce);
        return true;
    }

    /** Open addressing over longs with a separate flag for zero; grows by doubling up to twice a generation. */
    private static final class LongSet {
        private long[] slots = new long[64];
        private boolean hasZero;
        private int size;

        boolean contains(long v) {
            if (v == 0) {
                return hasZero;
            }
            for (int i = index(v, slots.length); slots[i] != 0; i = (i + 1) & (slots.length - 1)) {
                if (slots[i] == v) {
                    return true;
                }
            }
            return false;
        }

        void add(long v) {
            if (v == 0) {
                hasZero = true;
                size++;
                return;
            }
            if (2 * (size + 1) > slots.length) {
                grow();
            }
            int i = index(v, slots.length);
            while (slots[i] != 0) {
                i = (i + 1) & (slots.length - 1);
            }
            slots[i] = v;
            size++;
        }

        int size() {
            return size;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            for (long v : old) {
                if (v != 0) {
                    int i = index(v, slots.length);
                    while (slots[i] != 0) {
                        i = (i + 1) & (slots.length - 1);
                    }
                    slots[i] = v;
                }
            }
        }

        private static int index(long v, int length) {
            long h = v * 0x9E3779B97F4A7C15L; // nonces are random already; this spreads test values too
            return (int) (h >>> 40) & (length - 1);
        }
    }
}
