/*
 * peer.c -- the one peer every implementation talks to, in plain C, so
 * the far side of each workload costs the same whichever client runs.
 *
 * Listens on 127.0.0.1 (ports chosen by the kernel) and prints one line:
 *   tcp_echo=P tcp_sink=P udp_echo=P udp_sink=P udp_sink_nogro=P
 * - tcp_echo: thread per connection, echoes every byte back (TCP_NODELAY);
 * - tcp_sink: thread per connection, discards everything (recv with
 *   MSG_TRUNC: no copy) and closes after the client's EOF;
 * - udp_echo: sends each datagram back to its sender;
 * - udp_sink / udp_sink_nogro: count datagrams (GRO on / off; with GRO a
 *   coalesced receive counts as its segments) and, on the 3-byte "END"
 *   marker, reply to its sender with the count since the last marker
 *   (a little-endian u64).
 * Runs until killed.
 *
 * With an argument N, the echo threads (tcp_echo connections, udp_echo)
 * run on CPU N, the CPU the driver pins the clients to: a round trip then
 * costs two context switches on one core, the same for every client,
 * instead of two cross-CPU wake-ups whose cost depends on where the
 * scheduler put each process. The sinks stay unpinned, free to receive
 * on another core in parallel, as a real receiver would.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

static void die(const char *what) {
    fprintf(stderr, "peer: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int echo_cpu = -1;

/* Moves the calling (echo) thread to `echo_cpu`, if one was given. */
static void pin_echo_thread(void) {
    if (echo_cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(echo_cpu, &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (rc != 0) {
        errno = rc;
        die("pthread_setaffinity_np");
    }
}

static int bound(int type, int *port) {
    int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) die("bind");
    socklen_t len = sizeof a;
    if (getsockname(s, (struct sockaddr *)&a, &len) != 0) die("getsockname");
    *port = ntohs(a.sin_port);
    if (type == SOCK_STREAM && listen(s, 128) != 0) die("listen");
    return s;
}

static void big_buffers(int s) {
    int v = 64 << 20;
    /* As root the FORCE variants pass rmem_max/wmem_max; otherwise the
     * plain ones give what the system allows. */
    if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) != 0)
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
}

static void *echo_conn(void *arg) {
    int c = (int)(intptr_t)arg;
    pin_echo_thread();
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buf[65536];
    for (;;) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        ssize_t w = 0;
        while (w < n) {
            ssize_t k = send(c, buf + w, (size_t)(n - w), MSG_NOSIGNAL);
            if (k <= 0) goto out;
            w += k;
        }
    }
out:
    close(c);
    return NULL;
}

static void *sink_conn(void *arg) {
    int c = (int)(intptr_t)arg;
    big_buffers(c);
    for (;;) {
        ssize_t n = recv(c, NULL, 1 << 20, MSG_TRUNC);
        if (n <= 0) break;
    }
    close(c);
    return NULL;
}

struct listener {
    int fd;
    void *(*serve)(void *);
};

static void *accept_loop(void *arg) {
    struct listener *l = arg;
    for (;;) {
        int c = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            die("accept");
        }
        pthread_t t;
        if (pthread_create(&t, NULL, l->serve, (void *)(intptr_t)c) != 0) die("pthread_create");
        pthread_detach(t);
    }
    return NULL;
}

static void *udp_echo(void *arg) {
    int s = (int)(intptr_t)arg;
    pin_echo_thread();
    char buf[65536];
    for (;;) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 0) continue;
        sendto(s, buf, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&from, len);
    }
    return NULL;
}

static void *udp_sink(void *arg) {
    int s = (int)(intptr_t)arg;
    static __thread char buf[65536];
    uint64_t count = 0;
    for (;;) {
        struct sockaddr_storage from;
        union {
            char bytes[CMSG_SPACE(sizeof(int)) * 4];
            struct cmsghdr align;
        } control;
        struct iovec iov = {buf, sizeof buf};
        struct msghdr msg = {0};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.bytes;
        msg.msg_controllen = sizeof control.bytes;
        ssize_t n = recvmsg(s, &msg, 0);
        if (n < 0) continue;
        size_t seg = (size_t)n;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
                int v;
                memcpy(&v, CMSG_DATA(cm), sizeof v);
                if (v > 0) seg = (size_t)v;
            }
        }
        /* Walk the (possibly coalesced) segments; the marker is never
         * coalesced on loopback, but check the last segment anyway. */
        int end = 0;
        if (n == 0) count++;
        for (size_t off = 0; off < (size_t)n; off += seg) {
            size_t len = (size_t)n - off < seg ? (size_t)n - off : seg;
            if (len == 3 && memcmp(buf + off, "END", 3) == 0) {
                end = 1;
            } else {
                count++;
            }
        }
        if (end) {
            uint8_t reply[8];
            for (int i = 0; i < 8; i++) reply[i] = (uint8_t)(count >> (8 * i));
            sendto(s, reply, sizeof reply, MSG_NOSIGNAL, (struct sockaddr *)&from, msg.msg_namelen);
            count = 0;
        }
    }
    return NULL;
}

static void spawn(void *(*fn)(void *), void *arg) {
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg) != 0) die("pthread_create");
    pthread_detach(t);
}

int main(int argc, char **argv) {
    if (argc > 1) echo_cpu = atoi(argv[1]);
    int p_echo, p_sink, p_uecho, p_usink, p_usink_nogro;
    static struct listener echo, sink;
    echo.fd = bound(SOCK_STREAM, &p_echo);
    echo.serve = echo_conn;
    sink.fd = bound(SOCK_STREAM, &p_sink);
    sink.serve = sink_conn;
    int uecho = bound(SOCK_DGRAM, &p_uecho);
    int usink = bound(SOCK_DGRAM, &p_usink);
    int usink_nogro = bound(SOCK_DGRAM, &p_usink_nogro);
    big_buffers(uecho);
    big_buffers(usink);
    big_buffers(usink_nogro);
    int one = 1;
    if (setsockopt(usink, SOL_UDP, UDP_GRO, &one, sizeof one) != 0) die("UDP_GRO");

    spawn(accept_loop, &echo);
    spawn(accept_loop, &sink);
    spawn(udp_echo, (void *)(intptr_t)uecho);
    spawn(udp_sink, (void *)(intptr_t)usink);
    spawn(udp_sink, (void *)(intptr_t)usink_nogro);

    printf("tcp_echo=%d tcp_sink=%d udp_echo=%d udp_sink=%d udp_sink_nogro=%d\n", p_echo, p_sink, p_uecho,
           p_usink, p_usink_nogro);
    fflush(stdout);
    for (;;) pause();
}
