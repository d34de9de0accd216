/*
 * udp_drain.c -- the kernel's floor for bench_aio.py's UDP receive row:
 * queue N 64-byte datagrams on a bound socket (a 128 MiB SO_RCVBUFFORCE
 * buffer, so none is dropped; needs root, as the row does), then drain
 * them with recvmmsg of BATCH (default 64) and print the rate:
 *
 *   datagrams_per_s=R
 *
 * No event loop, no Python, no per-datagram callback: what is left is the
 * kernel's work per datagram, which no receiver on this machine can beat.
 *
 * Usage: udp_drain [N [BATCH]]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 64
#define SLOT 2048

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int die(const char *what) {
    perror(what);
    return 1;
}

int main(int argc, char **argv) {
    int count = argc > 1 ? atoi(argv[1]) : 50000;
    int batch = argc > 2 ? atoi(argv[2]) : MAX_BATCH;
    if (count <= 0 || batch <= 0 || batch > MAX_BATCH) {
        fprintf(stderr, "usage: udp_drain [N>0 [1<=BATCH<=%d]]\n", MAX_BATCH);
        return 2;
    }
    int rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (rx < 0 || tx < 0) return die("socket");
    struct sockaddr_in at = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof at;
    if (bind(rx, (struct sockaddr *)&at, sizeof at) < 0) return die("bind");
    if (getsockname(rx, (struct sockaddr *)&at, &len) < 0) return die("getsockname");
    int big = 128 << 20;
    if (setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0) return die("SO_RCVBUFFORCE (run as root)");

    char msg[64];
    memset(msg, 'u', sizeof msg);
    for (int i = 0; i < count; i++)
        if (sendto(tx, msg, sizeof msg, MSG_NOSIGNAL, (struct sockaddr *)&at, sizeof at) != sizeof msg)
            return die("sendto");

    static char bufs[MAX_BATCH][SLOT];
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    struct sockaddr_in src[MAX_BATCH];
    double start = now();
    int got = 0;
    while (got < count) {
        /* Reset per call, as a receiver must (the kernel writes the lengths). */
        for (int i = 0; i < batch; i++) {
            iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = SLOT};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &src[i], .msg_namelen = sizeof src[i], .msg_iov = &iov[i], .msg_iovlen = 1}};
        }
        int k = recvmmsg(rx, msgs, (unsigned)batch, MSG_DONTWAIT, NULL);
        if (k < 0) return die("recvmmsg (a datagram was dropped?)");
        got += k;
    }
    printf("datagrams_per_s=%.0f\n", count / (now() - start));
    close(rx);
    close(tx);
    return 0;
}
