/* The load generator of the network benchmark: a single-threaded epoll TCP echo client.
 *
 * N connections; each sends SIZE bytes and waits for all SIZE bytes of the echo before sending the
 * next message (request/response, no pipelining). After WARMUP seconds it counts round trips for
 * SECONDS seconds. Given the server's pid, it reads the server's CPU time (utime + stime, all
 * threads) from /proc/PID/stat at the start and the end of the measured interval.
 *
 *   gcc -O2 -o echo_client echo_client.c
 *   ./echo_client PORT CONNS SECONDS [WARMUP=1] [SIZE=1024] [SERVER_PID=0]
 *
 * Prints one line: "req/s server-cpu-µs-per-request client-cpu-fraction round-trips
 * server-user-µs-per-request" (server figures -1 without a pid). Exits 1 if a connection fails, is closed or echoes too much. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
    int fd;
    int sent;     /* bytes of the current message written */
    int received; /* bytes of its echo read */
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
    /* after ")": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
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

/* Writes what the socket takes of the current message; 0 when all is sent. */
static int send_some(struct conn *c, const char *msg, int size) {
    while (c->sent < size) {
        ssize_t w = write(c->fd, msg + c->sent, size - c->sent);
        if (w < 0) {
            if (errno == EAGAIN) return 1;
            die("write");
        }
        c->sent += (int)w;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s PORT CONNS SECONDS [WARMUP=1] [SIZE=1024] [SERVER_PID=0]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int nconns = atoi(argv[2]);
    double seconds = atof(argv[3]);
    double warmup = argc > 4 ? atof(argv[4]) : 1.0;
    int size = argc > 5 ? atoi(argv[5]) : 1024;
    int server_pid = argc > 6 ? atoi(argv[6]) : 0;
    if (nconns <= 0 || size <= 0 || seconds <= 0) {
        fprintf(stderr, "CONNS, SIZE and SECONDS must be positive\n");
        return 2;
    }

    char *msg = malloc(size), *buf = malloc(65536);
    for (int i = 0; i < size; i++) msg[i] = (char)('a' + i % 26);
    struct conn *conns = calloc(nconns, sizeof *conns);
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    int one = 1;
    for (int i = 0; i < nconns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) die("socket");
        if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        int fl = 1;
        if (ioctl(fd, FIONBIO, &fl) < 0) die("ioctl FIONBIO");
        conns[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    }
    for (int i = 0; i < nconns; i++) {
        if (send_some(&conns[i], msg, size)) {
            struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = &conns[i]};
            epoll_ctl(ep, EPOLL_CTL_MOD, conns[i].fd, &ev);
        }
    }

    struct epoll_event events[1024];
    double start = now(), measure_from = start + warmup, measure_to = measure_from + seconds;
    int measuring = 0;
    long long count = 0, ticks0 = -1, user0 = 0, user1 = 0;
    double t0 = 0, cpu0 = 0;
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) {
            measuring = 1;
            count = 0;
            t0 = t;
            cpu0 = self_cpu();
            ticks0 = proc_ticks(server_pid, &user0);
        } else if (measuring && t >= measure_to) {
            long long ticks1 = proc_ticks(server_pid, &user1);
            double elapsed = t - t0, client = (self_cpu() - cpu0) / elapsed;
            double server_us = -1, user_us = -1, us_per_tick = 1e6 / sysconf(_SC_CLK_TCK);
            if (ticks0 >= 0 && ticks1 >= 0 && count > 0) {
                server_us = (ticks1 - ticks0) * us_per_tick / count;
                user_us = (user1 - user0) * us_per_tick / count;
            }
            printf("%.0f %.2f %.2f %lld %.2f\n", count / elapsed, server_us, client, count, user_us);
            return 0;
        }
        int n = epoll_wait(ep, events, 1024, 10);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (events[i].events & EPOLLOUT) {
                if (!send_some(c, msg, size)) {
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
            }
            if (!(events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
            ssize_t r = read(c->fd, buf, 65536);
            if (r < 0) {
                if (errno == EAGAIN) continue;
                die("read");
            }
            if (r == 0) {
                fprintf(stderr, "the server closed a connection\n");
                return 1;
            }
            c->received += (int)r;
            if (c->received > c->sent) {
                fprintf(stderr, "the server echoed more than was sent\n");
                return 1;
            }
            if (c->received < size) continue;
            count++;
            c->sent = c->received = 0;
            if (send_some(c, msg, size)) {
                struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            }
        }
    }
}
