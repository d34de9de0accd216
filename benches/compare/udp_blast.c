/*
 * udp_blast.c -- sends 64-byte datagrams to 127.0.0.1:PORT as fast as it
 * can (sendmmsg, 64 per call) for SECONDS, then prints how many it sent.
 * The sender of bindings/python/bench/bench_aio.py's receive rows: one C
 * sender, the same for every receiver, faster than any Python receiver,
 * so each receiver's rate is what it can take, not what it is given.
 *
 *   udp_blast PORT SECONDS [SIZE]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 64

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: udp_blast PORT SECONDS [SIZE]\n");
        return 2;
    }
    int port = atoi(argv[1]);
    double seconds = atof(argv[2]);
    size_t size = argc > 3 ? (size_t)atoi(argv[3]) : 64;
    if (port <= 0 || port > 65535 || seconds <= 0 || seconds > 60 || size == 0 || size > 1472) {
        fprintf(stderr, "udp_blast: bad arguments\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("socket");
        return 1;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static char payload[1472];
    memset(payload, 'b', sizeof payload);
    struct iovec iov[BURST];
    struct mmsghdr msgs[BURST];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BURST; i++) {
        iov[i].iov_base = payload;
        iov[i].iov_len = size;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &to;
        msgs[i].msg_hdr.msg_namelen = sizeof to;
    }
    unsigned long long sent = 0;
    double end = now() + seconds;
    while (now() < end) {
        int n = sendmmsg(fd, msgs, BURST, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED) continue;
            perror("sendmmsg");
            return 1;
        }
        sent += (unsigned long long)n;
    }
    printf("%llu\n", sent);
    close(fd);
    return 0;
}
