package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

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
