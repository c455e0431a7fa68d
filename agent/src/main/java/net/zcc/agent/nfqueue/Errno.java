package net.zcc.agent.nfqueue;

/** Names of the errno values a netlink queue meets, for messages people can act on. */
final class Errno {
    private Errno() {
    }

    static String name(int errno) {
        switch (Math.abs(errno)) {
            case 1: return "EPERM: needs CAP_NET_ADMIN";
            case 2: return "ENOENT: no such queue or packet id";
            case 4: return "EINTR";
            case 9: return "EBADF: socket closed";
            case 11: return "EAGAIN";
            case 12: return "ENOMEM";
            case 16: return "EBUSY: queue bound by another socket";
            case 22: return "EINVAL";
            case 38: return "ENOSYS: call not implemented";
            case 90: return "EMSGSIZE";
            case 93: return "EPROTONOSUPPORT: no nfnetlink in this kernel";
            case 97: return "EAFNOSUPPORT";
            case 105: return "ENOBUFS: receive buffer overrun";
            default: return "errno " + Math.abs(errno);
        }
    }
}
