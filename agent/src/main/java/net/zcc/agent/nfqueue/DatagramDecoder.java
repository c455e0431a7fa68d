package net.zcc.agent.nfqueue;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Splits a received netlink datagram into messages: packet messages become batch entries
 * (malformed ones preset to DROP), NLMSG_ERROR with an error is counted, NLMSG_DONE and
 * NOOP are ignored. No I/O, so it is tested on bytes alone.
 */
final class DatagramDecoder {
    private static final System.Logger LOG = System.getLogger(DatagramDecoder.class.getName());

    private final int queue;
    private final ByteBuffer area;
    private boolean batchVerdicts = true;

    /** @param area the receive buffer; only absolute reads are made, its position never moves */
    DatagramDecoder(int queue, ByteBuffer area) {
        this.queue = queue;
        this.area = area;
    }

    /**
     * False once a packet message came whose id could not be read. A VERDICT_BATCH covering
     * that id would accept a packet nobody looked at, so from then on every packet gets its
     * own verdict (fail closed, slower).
     */
    boolean batchVerdictsAllowed() {
        return batchVerdicts;
    }

    /**
     * Decodes the {@code received} bytes at {@code base}; {@code room} is the space the
     * datagram had (more received than room means it was cut). Payloads become {@code view}.
     */
    void decode(int base, int received, int room, ByteBuffer view, PacketBatch batch) {
        if (received > room) {
            batch.countMalformed(); // cut by MSG_TRUNC: cannot tell what it held
            orphan();
            return;
        }
        int end = base + received;
        for (int off = base; off < end; ) {
            int len;
            try {
                len = NlMsgHdr.checkedLength(area, off, end);
            } catch (MalformedMessageException e) {
                batch.countMalformed();
                if (received >= NlMsgHdr.SIZE && NlMsgHdr.type(area, off) == NfqProto.type(NfqProto.MSG_PACKET)) {
                    orphan();
                }
                return; // no trustworthy length: the rest of the datagram is lost
            }
            decodeMessage(off, len, view, batch);
            off = NlMsgHdr.next(off, len);
        }
    }

    private void decodeMessage(int off, int len, ByteBuffer view, PacketBatch batch) {
        int type = NlMsgHdr.type(area, off);
        if (type == NfqProto.type(NfqProto.MSG_PACKET)) {
            decodePacket(off, len, view, batch);
        } else if (type == NlMsgHdr.NLMSG_ERROR) {
            countError(off, len, batch);
        } // NLMSG_DONE, NOOP and anything else carry nothing for us
    }

    private void decodePacket(int off, int len, ByteBuffer view, PacketBatch batch) {
        if (batch.isFull()) {
            batch.countMalformed(); // more packets in one datagram than room; the kernel never does it
            orphan();
            return;
        }
        QueuedPacket p = batch.append();
        try {
            NfqPacketMsg.parse(area, off, len, p, view);
        } catch (MalformedMessageException e) {
            batch.countMalformed();
            p.markMalformed();
            if (!p.hasId()) {
                batch.removeLast();
                orphan();
            }
            debug("malformed packet message: {1}", e.getMessage());
        }
    }

    private void countError(int off, int len, PacketBatch batch) {
        try {
            int error = NlErrorMsg.error(area, off, len);
            if (error != 0) {
                batch.countErrorMessage();
                debug("kernel error {1}", Errno.name(error));
            }
        } catch (MalformedMessageException e) {
            batch.countMalformed();
        }
    }

    private void orphan() {
        if (batchVerdicts) {
            batchVerdicts = false;
            LOG.log(Level.WARNING, "nfqueue {0}: packet message without a readable id; "
                    + "batch verdicts off for this queue", queue);
        }
    }

    private void debug(String format, Object detail) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "nfqueue {0}: " + format, queue, detail);
        }
    }
}
