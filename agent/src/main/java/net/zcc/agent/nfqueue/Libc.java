package net.zcc.agent.nfqueue;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls of the netlink socket (and the one call of {@link InheritedSignals}), JNA direct
 * mapping (no native library beyond libc).
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
    static final int MSG_WAITFORONE = 0x10000;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOSYS = 38;

    private Libc() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, byte[] addr, int addrLen);

    static native int setsockopt(int fd, int level, int name, byte[] value, int len);

    static native long send(int fd, Pointer buf, long len, int flags);

    static native long recv(int fd, Pointer buf, long len, int flags);

    static native int close(int fd);

    static native int connect(int fd, byte[] addr, int addrLen);

    static native int getsockopt(int fd, int level, int name, int[] value, int[] len);

    /** sighandler_t signal(int signum, sighandler_t handler); handlers as addresses (LP64), 0 = SIG_DFL. */
    static native long signal(int signum, long handler);

    /** errno of the last call on this thread. */
    static int errno() {
        return Native.getLastError();
    }

    /**
     * recvmmsg(2), bound on its own: a libc without the symbol must not break the binding of
     * the calls above. {@link #available()} says whether it could be bound; the kernel may
     * still answer ENOSYS (old kernel, seccomp), which the caller handles.
     */
    static final class Mmsg {
        private static final boolean BOUND;

        static {
            boolean ok;
            try {
                Native.register(Mmsg.class, Platform.C_LIBRARY_NAME);
                ok = true;
            } catch (UnsatisfiedLinkError | IllegalArgumentException e) {
                ok = false;
            }
            BOUND = ok;
        }

        private Mmsg() {
        }

        static boolean available() {
            return BOUND;
        }

        /** int recvmmsg(int fd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout) */
        static native int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);
    }
}
