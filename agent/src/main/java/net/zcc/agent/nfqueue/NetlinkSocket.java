package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * An AF_NETLINK socket over {@link Libc}. Failures become IOExceptions naming the call and the
 * errno. Buffers are direct ByteBuffers handed over as {@link Region}s made once, so a
 * receive or send allocates nothing. Not thread-safe: the owner serializes calls.
 */
final class NetlinkSocket implements AutoCloseable {
    private static final int SOCKADDR_NL_SIZE = 12;

    /** A fixed window of a direct buffer, resolved to a native address once. */
    static final class Region {
        private final Pointer address;
        private final ByteBuffer owner; // keeps the memory reachable while the region is used
        private final int length;

        private Region(ByteBuffer owner, Pointer address, int length) {
            this.owner = owner;
            this.address = address;
            this.length = length;
        }

        int length() {
            return length;
        }
    }

    /**
     * A recvmmsg vector ({@link MmsgLayout}) over a fixed list of regions, one datagram per
     * region, in native memory allocated and filled once.
     */
    static final class MessageVector {
        private final Memory memory;
        private final ByteBuffer layout; // view of memory, for reading msg_len and msg_flags
        private final Region[] regions; // keeps the receive buffers reachable
        private final int vlen;

        private MessageVector(Region[] regions) {
            this.regions = regions.clone();
            this.vlen = regions.length;
            int size = MmsgLayout.size(vlen);
            this.memory = new Memory(size);
            memory.clear();
            this.layout = memory.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
            long[] buffers = new long[vlen];
            int[] lengths = new int[vlen];
            for (int i = 0; i < vlen; i++) {
                buffers[i] = Pointer.nativeValue(this.regions[i].address);
                lengths[i] = this.regions[i].length;
            }
            MmsgLayout.fill(layout, Pointer.nativeValue(memory), buffers, lengths);
        }

        int capacity() {
            return vlen;
        }

        /**
         * Length of datagram {@code i} of the last {@link #receiveMany}: its full length, more
         * than its region's length if it was cut (msg_flags MSG_TRUNC).
         */
        int received(int i) {
            return MmsgLayout.received(layout, i, regions[i].length);
        }

        /** The layout bytes as the kernel sees them (tests). */
        ByteBuffer layout() {
            return layout.duplicate().order(ByteOrder.nativeOrder());
        }
    }

    /** The kernel or libc has no such call (ENOSYS, or the symbol is missing). */
    static final class UnsupportedCallException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsupportedCallException(String message) {
            super(message);
        }
    }

    private final int fd;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol) and bind to a kernel-chosen port id. */
    static NetlinkSocket open(int protocol) throws IOException {
        if (!Platform.is64Bit()) {
            throw new IOException("netlink via JNA needs an LP64 platform (size_t mapped as long)");
        }
        int fd = Libc.socket(NfqProto.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw failure("socket(AF_NETLINK, SOCK_RAW, " + protocol + ")", Native.getLastError());
        }
        NetlinkSocket s = new NetlinkSocket(fd);
        try {
            s.bindAnyPort();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A region of {@code direct} from {@code offset}, {@code length} bytes long. */
    static Region region(ByteBuffer direct, int offset, int length) {
        if (!direct.isDirect() || offset < 0 || length < 0 || length > direct.capacity() - offset) {
            throw new IllegalArgumentException("need a direct buffer window, got " + offset + "+" + length);
        }
        return new Region(direct, Native.getDirectBufferPointer(direct).share(offset, length), length);
    }

    /** A recvmmsg vector receiving datagram i into {@code regions[i]}. */
    static MessageVector vector(Region... regions) {
        if (regions.length < 1) {
            throw new IllegalArgumentException("a message vector needs at least one region");
        }
        return new MessageVector(regions);
    }

    /**
     * Whether {@link #receiveMany} can work here: libc has recvmmsg and the kernel accepts it
     * (a call with vlen 0, which receives nothing). Any error other than ENOSYS counts as yes.
     */
    boolean probeReceiveMany() {
        if (!Libc.Mmsg.available()) {
            return false;
        }
        return Libc.Mmsg.recvmmsg(fd, Pointer.NULL, 0, Libc.MSG_DONTWAIT, Pointer.NULL) >= 0
                || Native.getLastError() != Libc.ENOSYS;
    }

    /**
     * recvmmsg(MSG_WAITFORONE | MSG_TRUNC) into the first {@code max} regions of {@code v}:
     * blocks (up to the receive timeout) for the first datagram only, then takes whatever else
     * is ready. Returns the datagram count (1..max; lengths from {@link MessageVector#received}),
     * or -1 when none arrived before the receive timeout.
     *
     * @throws UnsupportedCallException if recvmmsg is missing (ENOSYS); use {@link #receive}
     */
    int receiveMany(MessageVector v, int max) throws IOException {
        if (max < 1 || max > v.vlen) {
            throw new IllegalArgumentException("receive of " + max + " into a vector of " + v.vlen);
        }
        if (!Libc.Mmsg.available()) {
            throw new UnsupportedCallException("recvmmsg: not in " + Platform.C_LIBRARY_NAME);
        }
        int flags = Libc.MSG_WAITFORONE | Libc.MSG_TRUNC;
        while (true) {
            int n = Libc.Mmsg.recvmmsg(fd, v.memory, max, flags, Pointer.NULL);
            if (n > 0) {
                return n;
            }
            int errno = n < 0 ? Native.getLastError() : 0;
            if (errno == Libc.EAGAIN) {
                return -1;
            }
            if (errno == Libc.ENOSYS) {
                throw new UnsupportedCallException(failure("recvmmsg(fd " + fd + ")", errno).getMessage());
            }
            if (errno != Libc.EINTR) {
                throw failure("recvmmsg(fd " + fd + ", vlen " + max + ") returned " + n + ",", errno);
            }
        }
    }

    /** Asks for {@code bytes} of receive buffer: SO_RCVBUFFORCE as root, else SO_RCVBUF (capped). */
    void setReceiveBuffer(int bytes) throws IOException {
        byte[] v = intValue(bytes);
        if (Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, v, 4) == 0) {
            return;
        }
        setOption("SO_RCVBUF", Libc.SOL_SOCKET, Libc.SO_RCVBUF, v);
    }

    /** Overruns then drop packets quietly (fail closed) instead of failing recv with ENOBUFS. */
    void setNoEnobufs() throws IOException {
        setOption("NETLINK_NO_ENOBUFS", Libc.SOL_NETLINK, Libc.NETLINK_NO_ENOBUFS, intValue(1));
    }

    /** A blocking receive returns "nothing" after this long, so the owner can notice a stop. */
    void setReceiveTimeout(Duration timeout) throws IOException {
        ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        tv.putLong(0, timeout.toSeconds()).putLong(8, timeout.toNanosPart() / 1000);
        setOption("SO_RCVTIMEO", Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, tv.array());
    }

    /**
     * Receives one datagram into {@code r}. Returns its full length, which exceeds
     * {@code r.length()} if it was cut (MSG_TRUNC), or -1 when none arrived before the receive
     * timeout or, with {@code dontWait}, none was ready.
     */
    int receive(Region r, boolean dontWait) throws IOException {
        int flags = Libc.MSG_TRUNC | (dontWait ? Libc.MSG_DONTWAIT : 0);
        while (true) {
            long n = Libc.recv(fd, r.address, r.length, flags);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Native.getLastError();
            if (errno == Libc.EAGAIN) {
                return -1;
            }
            if (errno != Libc.EINTR) {
                throw failure("recv(fd " + fd + ")", errno);
            }
        }
    }

    /** Sends the first {@code len} bytes of {@code r} as one datagram (may hold many messages). */
    void send(Region r, int len) throws IOException {
        if (len > r.length) {
            throw new IllegalArgumentException("send of " + len + " bytes from a " + r.length + "-byte region");
        }
        while (true) {
            long n = Libc.send(fd, r.address, len, 0);
            if (n == len) {
                return;
            }
            int errno = n < 0 ? Native.getLastError() : 0;
            if (errno != Libc.EINTR) {
                throw failure("send(fd " + fd + ", " + len + " bytes) returned " + n + ",", errno);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd); // nothing useful to do if close fails; the fd is gone either way
        }
    }

    private void bindAnyPort() throws IOException {
        ByteBuffer sa = ByteBuffer.allocate(SOCKADDR_NL_SIZE).order(ByteOrder.nativeOrder());
        sa.putShort(0, (short) NfqProto.AF_NETLINK); // nl_pid 0 and nl_groups 0 stay zero
        if (Libc.bind(fd, sa.array(), SOCKADDR_NL_SIZE) != 0) {
            throw failure("bind(AF_NETLINK fd " + fd + ")", Native.getLastError());
        }
    }

    private void setOption(String name, int level, int option, byte[] value) throws IOException {
        if (Libc.setsockopt(fd, level, option, value, value.length) != 0) {
            throw failure("setsockopt(" + name + ")", Native.getLastError());
        }
    }

    private static byte[] intValue(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, v).array();
    }

    static IOException failure(String call, int errno) {
        return new IOException(call + " failed: errno " + errno + " (" + Errno.name(errno) + ")");
    }
}
