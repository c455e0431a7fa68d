package net.zcc.agent.nfqueue;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls of the netlink socket, JNA direct mapping (no native library beyond libc).
 * size_t and ssize_t are mapped as long, which holds on LP64 only; {@link NetlinkSocket}
 * checks that once. Every call sets errno for {@code Native.getLastError()}.
 * This is the only class that binds native code; nothing outside this package sees JNA.
 */
final class Libc {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_RCVTIMEO = 20;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_NO_ENOBUFS = 5;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;

    static final int EINTR = 4;
    static final int EAGAIN = 11;

    private Libc() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, byte[] addr, int addrLen);

    static native int setsockopt(int fd, int level, int name, byte[] value, int len);

    static native long send(int fd, Pointer buf, long len, int flags);

    static native long recv(int fd, Pointer buf, long len, int flags);

    static native int close(int fd);
}
