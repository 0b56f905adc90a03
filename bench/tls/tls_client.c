/* The load generator of the TLS benchmark: a single-threaded epoll client with OpenSSL that keeps
 * CONNS fresh TLS connections going at once. Each connection connects, does a full TLS 1.3
 * handshake (no session resumption), writes "ping\n", reads the 5-byte echo, sends close_notify
 * and closes; a new connection takes its place. Certificates are not verified (that is the
 * client's CPU, not the server's); the key exchange group is fixed (GROUPS, default X25519) so
 * that every server does the same work.
 *
 *   gcc -O2 -o tls_client tls_client.c -lssl -lcrypto
 *   ./tls_client PORT CONNS SECONDS [WARMUP=1] [SERVER_PID=0] [COUNT=0] [GROUPS=X25519]
 *
 * With COUNT > 0 it measures from its start until COUNT connections completed (the "cold" point:
 * a fresh server's first COUNT handshakes), else it measures SECONDS after WARMUP seconds. Given
 * the server's pid, it reads the server's CPU time (utime + stime, all threads) from
 * /proc/PID/stat at the start and the end of the measured interval. Source addresses rotate over
 * 127.0.0.1-127.0.0.64 so that TIME_WAIT never runs out of ports.
 *
 * Prints one line: "handshakes/s server-cpu-ms-per-handshake client-cpu-ms-per-handshake completed
 * failed over-1s max-latency-ms server-user-ms-per-handshake" (server figures -1 without a pid).
 * A failed connection (reset, refused, closed early, TLS error) is counted, not fatal. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

enum phase { CONNECTING, HANDSHAKE, WRITING, READING };

struct conn {
    int fd;
    SSL *ssl;
    enum phase phase;
    int received;
    double started;
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* utime + stime of process pid in clock ticks (utime also in *user), or -1. */
static long long proc_ticks(int pid, long long *user) {
    if (pid <= 0) return -1;
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may contain spaces */
    if (!p) return -1;
    unsigned long long utime, stime;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    *user = (long long)utime;
    return (long long)(utime + stime);
}

static double self_cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static SSL_CTX *ctx;
static int ep, port;
static unsigned next_source;

static void watch(struct conn *c, int op, unsigned events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(ep, op, c->fd, &ev) < 0) die("epoll_ctl");
}

/* Starts a fresh connection in slot c. */
static void open_conn(struct conn *c) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    struct sockaddr_in src = {.sin_family = AF_INET};
    src.sin_addr.s_addr = htonl(0x7f000001u + (next_source++ % 64));
    if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) die("bind");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(0x7f000001u);
    c->fd = fd;
    c->received = 0;
    c->started = now();
    c->ssl = NULL;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) die("connect");
    c->phase = CONNECTING;
    watch(c, EPOLL_CTL_ADD, EPOLLOUT);
}

static void finish(struct conn *c) {
    if (c->ssl) SSL_free(c->ssl);
    close(c->fd); /* closing the fd removes it from the epoll set */
}

/* Moves c on as far as it can go; returns 1 when done, -1 on failure, 0 when it waits. */
static int step(struct conn *c) {
    static const char ping[] = "ping\n";
    char buf[256];
    for (;;) {
        int r = 0, err;
        switch (c->phase) {
        case CONNECTING: {
            int soerr = 0;
            socklen_t len = sizeof soerr;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
            if (soerr) return -1;
            c->ssl = SSL_new(ctx);
            SSL_set_fd(c->ssl, c->fd);
            SSL_set_connect_state(c->ssl);
            c->phase = HANDSHAKE;
            continue;
        }
        case HANDSHAKE:
            r = SSL_do_handshake(c->ssl);
            if (r == 1) { c->phase = WRITING; continue; }
            break;
        case WRITING:
            r = SSL_write(c->ssl, ping, 5);
            if (r == 5) { c->phase = READING; continue; }
            break;
        case READING:
            r = SSL_read(c->ssl, buf, sizeof buf);
            if (r > 0) {
                c->received += r;
                if (c->received >= 5) {
                    SSL_shutdown(c->ssl); /* our close_notify; the server's is not awaited */
                    return 1;
                }
                continue;
            }
            break;
        }
        err = SSL_get_error(c->ssl, r);
        if (err == SSL_ERROR_WANT_READ) { watch(c, EPOLL_CTL_MOD, EPOLLIN); return 0; }
        if (err == SSL_ERROR_WANT_WRITE) { watch(c, EPOLL_CTL_MOD, EPOLLOUT); return 0; }
        ERR_clear_error();
        return -1;
    }
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s PORT CONNS SECONDS [WARMUP=1] [SERVER_PID=0] [COUNT=0] [GROUPS=X25519]\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]);
    int nconns = atoi(argv[2]);
    double seconds = atof(argv[3]);
    double warmup = argc > 4 ? atof(argv[4]) : 1.0;
    int server_pid = argc > 5 ? atoi(argv[5]) : 0;
    long long target = argc > 6 ? atoll(argv[6]) : 0;
    const char *groups = argc > 7 ? argv[7] : "X25519";
    if (nconns <= 0 || seconds <= 0) {
        fprintf(stderr, "CONNS and SECONDS must be positive\n");
        return 2;
    }
    if (target > 0) warmup = 0;

    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) || !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)
            || !SSL_CTX_set1_groups_list(ctx, groups)) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

    struct conn *conns = calloc(nconns, sizeof *conns);
    ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    struct epoll_event events[1024];
    double start = now(), measure_from = start + warmup, measure_to = target > 0 ? start + seconds : measure_from + seconds;
    int measuring = 0;
    long long count = 0, failed = 0, slow = 0, ticks0 = -1, user0 = 0, user1 = 0;
    double t0 = 0, cpu0 = 0, max_latency = 0;
    if (target > 0) {
        measuring = 1;
        t0 = start;
        cpu0 = self_cpu();
        ticks0 = proc_ticks(server_pid, &user0);
    }
    for (int i = 0; i < nconns; i++) open_conn(&conns[i]);
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) {
            measuring = 1;
            count = failed = slow = 0;
            max_latency = 0;
            t0 = t;
            cpu0 = self_cpu();
            ticks0 = proc_ticks(server_pid, &user0);
        } else if (measuring && (t >= measure_to || (target > 0 && count >= target))) {
            long long ticks1 = proc_ticks(server_pid, &user1);
            double elapsed = t - t0, client_ms = count > 0 ? (self_cpu() - cpu0) * 1e3 / count : -1;
            double server_ms = -1, user_ms = -1, ms_per_tick = 1e3 / sysconf(_SC_CLK_TCK);
            if (ticks0 >= 0 && ticks1 >= 0 && count > 0) {
                server_ms = (ticks1 - ticks0) * ms_per_tick / count;
                user_ms = (user1 - user0) * ms_per_tick / count;
            }
            printf("%.0f %.3f %.3f %lld %lld %lld %.0f %.3f\n", count / elapsed, server_ms, client_ms, count, failed, slow,
                    max_latency * 1e3, user_ms);
            return 0;
        }
        int n = epoll_wait(ep, events, 1024, 10);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            int r = step(c);
            if (r == 0) continue;
            double latency = now() - c->started;
            finish(c);
            if (r > 0) {
                count++;
                if (latency > max_latency) max_latency = latency;
                if (latency > 1.0) slow++;
            } else {
                failed++;
            }
            open_conn(c);
        }
    }
}
