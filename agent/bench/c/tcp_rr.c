/*
 * tcp_rr: small request/response benchmark (netperf TCP_RR / TCP_CRR style;
 * Debian 12 on these machines has no installable netperf).
 *
 *   tcp_rr -s [-b addr] [-p port] [-l bytes]          server (runs until SIGTERM)
 *   tcp_rr -m rr  -H host [-p port] [-l bytes] [-t secs]
 *   tcp_rr -m crr -H host [-p port] [-l bytes] [-t secs]
 *
 * rr : one TCP connection, send <bytes> request, wait for <bytes> response,
 *      repeat for <secs>; reports transactions per second.
 * crr: per transaction connect, request, response, close; reports
 *      connections per second. The client closes first, so TIME_WAIT lands on
 *      the client: run it with net.ipv4.tcp_tw_reuse=1 and a wide
 *      ip_local_port_range (bench/run.sh sets both in the client namespace).
 *
 * Output (one line, stdout): "RESULT mode=rr ops=N secs=S rate=R".
 * Bounded: the client stops at the deadline, and every socket has 3 s send
 * and receive timeouts, so a stalled path (e.g. a queue with no reader and
 * no bypass) is an error exit, not a hang. TCP_NODELAY everywhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define MAXLEN 65536

static int len = 64;
static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) { perror(what); exit(1); }

static int read_full(int fd, char *buf, int n)
{
    int got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r == 0) { errno = ECONNRESET; return -1; }
        if (r < 0) { if (errno == EINTR) continue; return -1; }
        got += r;
    }
    return 0;
}

static int write_full(int fd, const char *buf, int n)
{
    int put = 0;
    while (put < n) {
        ssize_t r = write(fd, buf + put, n - put);
        if (r < 0) { if (errno == EINTR) continue; return -1; }
        put += r;
    }
    return 0;
}

static void tune(int fd)
{
    int one = 1;
    struct timeval tv = { .tv_sec = 3 };
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); /* also bounds connect() */
}

/* ---- server: one epoll loop, any number of connections ---- */

struct conn { int fd; int have; };

static int server(const char *bind_addr, int port)
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (ls < 0) die("socket");
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1) { fprintf(stderr, "bad -b\n"); return 2; }
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
    if (listen(ls, 4096) < 0) die("listen");

    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    static char buf[MAXLEN], resp[MAXLEN];
    memset(resp, 'r', sizeof resp);

    struct epoll_event evs[64];
    while (!stop) {
        int n = epoll_wait(ep, evs, 64, 1000);
        if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {                       /* listening socket: drain accepts */
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    int on = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event ce = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = nc };
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
                }
                continue;
            }
            for (;;) {                      /* connection: read, answer per full request */
                ssize_t r = read(c->fd, buf, sizeof buf);
                if (r > 0) {
                    c->have += r;
                    while (c->have >= len) {
                        c->have -= len;
                        /* a 64 B write to an idle socket never blocks in practice;
                           if it would, fall back to blocking for this one write */
                        if (write(c->fd, resp, len) != len) {
                            int fl = fcntl(c->fd, F_GETFL);
                            fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
                            (void)write_full(c->fd, resp, len);
                            fcntl(c->fd, F_SETFL, fl);
                        }
                    }
                    continue;
                }
                if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
                close(c->fd);               /* EOF or error: closing also removes it from epoll */
                free(c);
                break;
            }
        }
    }
    close(ls);
    return 0;
}

/* ---- clients ---- */

static int connect_to(const struct sockaddr_in *sa)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    tune(fd);
    if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0) die("connect");
    return fd;
}

static int client(const char *mode, const char *host, int port, double secs)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) { fprintf(stderr, "bad -H (IPv4 literal)\n"); return 2; }
    static char req[MAXLEN], buf[MAXLEN];
    memset(req, 'q', sizeof req);

    unsigned long long ops = 0;
    double t0 = now(), end = t0 + secs, t;
    if (!strcmp(mode, "rr")) {
        int fd = connect_to(&sa);
        t0 = now(); end = t0 + secs;
        while ((t = now()) < end && !stop) {
            if (write_full(fd, req, len) < 0) die("write");
            if (read_full(fd, buf, len) < 0) die("read");
            ops++;
        }
        close(fd);
    } else if (!strcmp(mode, "crr")) {
        while ((t = now()) < end && !stop) {
            int fd = connect_to(&sa);
            if (write_full(fd, req, len) < 0) die("write");
            if (read_full(fd, buf, len) < 0) die("read");
            close(fd);
            ops++;
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    double el = now() - t0;
    printf("RESULT mode=%s ops=%llu secs=%.3f rate=%.1f\n", mode, ops, el, ops / el);
    return 0;
}

int main(int argc, char **argv)
{
    int is_server = 0, port = 5202, opt;
    const char *mode = "rr", *host = NULL, *bind_addr = "0.0.0.0";
    double secs = 5;
    while ((opt = getopt(argc, argv, "sb:m:H:p:l:t:")) != -1) {
        switch (opt) {
        case 's': is_server = 1; break;
        case 'b': bind_addr = optarg; break;
        case 'm': mode = optarg; break;
        case 'H': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'l': len = atoi(optarg); break;
        case 't': secs = atof(optarg); break;
        default:
            fprintf(stderr, "usage: %s -s [-b addr] [-p port] [-l bytes] | -m rr|crr -H host [-p port] [-l bytes] [-t secs]\n", argv[0]);
            return 2;
        }
    }
    if (len < 1 || len > MAXLEN || secs <= 0) { fprintf(stderr, "bad -l or -t\n"); return 2; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (is_server) return server(bind_addr, port);
    if (!host) { fprintf(stderr, "client needs -H\n"); return 2; }
    return client(mode, host, port, secs);
}
