package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;

/**
 * The {@code recvmmsg} argument vector, LP64 (x86_64, aarch64) host order: {@code vlen}
 * {@code struct mmsghdr} followed by {@code vlen} {@code struct iovec}, one iovec per message.
 * No I/O and no native code here: addresses are plain longs, so the layout is tested on bytes.
 *
 * <pre>
 * struct mmsghdr (64 bytes)                 struct iovec (16 bytes)
 *   0  void *msg_name          (NULL)         0  void  *iov_base
 *   8  socklen_t msg_namelen   (0) + pad      8  size_t iov_len
 *  16  struct iovec *msg_iov
 *  24  size_t msg_iovlen       (1)
 *  32  void *msg_control       (NULL)
 *  40  size_t msg_controllen   (0)
 *  48  int msg_flags           (out) + pad
 *  56  unsigned int msg_len    (out) + pad
 * </pre>
 *
 * The kernel writes only msg_flags, msg_controllen and msg_len back, so a vector filled once
 * serves every later call.
 */
final class MmsgLayout {
    static final int MMSGHDR_SIZE = 64;
    static final int IOVEC_SIZE = 16;
    static final int OFF_NAME = 0;
    static final int OFF_NAMELEN = 8;
    static final int OFF_IOV = 16;
    static final int OFF_IOVLEN = 24;
    static final int OFF_CONTROL = 32;
    static final int OFF_CONTROLLEN = 40;
    static final int OFF_FLAGS = 48;
    static final int OFF_LEN = 56;
    static final int IOV_OFF_BASE = 0;
    static final int IOV_OFF_LEN = 8;

    /** msg_flags bit: the datagram was longer than its buffer. */
    static final int MSG_TRUNC = 0x20;

    private MmsgLayout() {
    }

    /** Bytes of the whole vector for {@code vlen} messages. */
    static int size(int vlen) {
        return vlen * (MMSGHDR_SIZE + IOVEC_SIZE);
    }

    /**
     * Fills {@code vec} (native order, at least {@link #size} bytes, zeroed by the caller or not)
     * for {@code buffers.length} messages; {@code vecAddress} is the native address of
     * {@code vec}'s byte 0, message i receives into {@code buffers[i]} ({@code lengths[i]} bytes).
     */
    static void fill(ByteBuffer vec, long vecAddress, long[] buffers, int[] lengths) {
        int vlen = buffers.length;
        if (lengths.length != vlen || vec.capacity() < size(vlen)) {
            throw new IllegalArgumentException("vector of " + vec.capacity() + " bytes for " + vlen + " messages");
        }
        int iovArray = vlen * MMSGHDR_SIZE;
        for (int i = 0; i < vlen; i++) {
            int h = i * MMSGHDR_SIZE;
            int iov = iovArray + i * IOVEC_SIZE;
            vec.putLong(h + OFF_NAME, 0);
            vec.putLong(h + OFF_NAMELEN, 0); // namelen and its padding
            vec.putLong(h + OFF_IOV, vecAddress + iov);
            vec.putLong(h + OFF_IOVLEN, 1);
            vec.putLong(h + OFF_CONTROL, 0);
            vec.putLong(h + OFF_CONTROLLEN, 0);
            vec.putLong(h + OFF_FLAGS, 0); // flags and padding
            vec.putLong(h + OFF_LEN, 0); // len and padding
            vec.putLong(iov + IOV_OFF_BASE, buffers[i]);
            vec.putLong(iov + IOV_OFF_LEN, Integer.toUnsignedLong(lengths[i]));
        }
    }

    /**
     * The length of message {@code i} after a receive made with MSG_TRUNC: its full datagram
     * length (msg_len). If msg_flags says it was cut, the result is at least {@code room + 1},
     * so a reader comparing it with {@code room} always sees the cut.
     */
    static int received(ByteBuffer vec, int i, int room) {
        int h = i * MMSGHDR_SIZE;
        long len = Integer.toUnsignedLong(vec.getInt(h + OFF_LEN));
        if ((vec.getInt(h + OFF_FLAGS) & MSG_TRUNC) != 0 && len <= room) {
            len = room + 1L;
        }
        return (int) Math.min(len, Integer.MAX_VALUE);
    }
}
