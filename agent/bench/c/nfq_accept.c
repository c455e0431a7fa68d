/*
 * nfq_accept: minimal libnetfilter_queue accept loop, the C reference for
 * the ZCC interception benchmark (bench/run.sh, mode "c-loop").
 *
 *   nfq_accept <first-queue> <count>
 *
 * Binds queues first..first+count-1 on ONE netlink socket (same signature as
 * the Java PassThroughMain) and answers every packet with its own NF_ACCEPT
 * verdict, copy-packet mode, no batching, no F_GSO: this is deliberately the
 * simple "one verdict per packet" baseline that STACK-NOTES measured.
 * Prints nothing per packet. SIGTERM/SIGINT: unbind, print a one-line total
 * on stderr, exit 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define MAX_QUEUES 64

static volatile sig_atomic_t stop;
static unsigned long long npackets;

static void on_signal(int sig) { (void)sig; stop = 1; }

static int cb(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
              struct nfq_data *nfa, void *data)
{
    (void)nfmsg; (void)data;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    uint32_t id = ph ? ntohl(ph->packet_id) : 0;
    npackets++;
    return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <first-queue> <count>\n", argv[0]);
        return 2;
    }
    int first = atoi(argv[1]), count = atoi(argv[2]);
    if (first < 0 || count < 1 || count > MAX_QUEUES) {
        fprintf(stderr, "nfq_accept: bad queue range\n");
        return 2;
    }

    /* No SA_RESTART: a signal must interrupt the blocking recv(). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct nfq_handle *h = nfq_open();
    if (!h) { perror("nfq_open"); return 1; }

    struct nfq_q_handle *qh[MAX_QUEUES] = {0};
    for (int i = 0; i < count; i++) {
        qh[i] = nfq_create_queue(h, (uint16_t)(first + i), &cb, NULL);
        if (!qh[i]) { fprintf(stderr, "nfq_create_queue %d failed\n", first + i); return 1; }
        if (nfq_set_mode(qh[i], NFQNL_COPY_PACKET, 0xffff) < 0) {
            fprintf(stderr, "nfq_set_mode %d failed\n", first + i); return 1;
        }
        nfq_set_queue_maxlen(qh[i], 4096);
    }

    int fd = nfq_fd(h);
    /* Large receive buffer and no ENOBUFS: a burst must not kill the loop. */
    int rcv = 8 << 20, one = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv);
    setsockopt(fd, 270 /* SOL_NETLINK */, 5 /* NETLINK_NO_ENOBUFS */, &one, sizeof one);

    char buf[65536 + 4096] __attribute__((aligned));
    while (!stop) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == EINTR || errno == ENOBUFS) continue;
            perror("recv");
            break;
        }
        nfq_handle_packet(h, buf, (int)n);
    }

    for (int i = 0; i < count; i++)
        if (qh[i]) nfq_destroy_queue(qh[i]);
    nfq_close(h);
    fprintf(stderr, "nfq_accept: queues %d..%d: %llu packets accepted\n",
            first, first + count - 1, npackets);
    return 0;
}
