/*
 * worker.h -- the part every C comparison client shares: argument
 * parsing, the monotonic clock, the stdin/stdout round protocol and the
 * sink's end-of-round handshake. Each client (raw libc, C ABI) supplies
 * only `setup()` and `round_run()` (its socket calls).
 *
 * Protocol (identical for the Rust and Python clients):
 *   argv: WORKLOAD HOST PORT COUNT SIZE BATCH FILE
 *   the client sets up, prints "ready\n", then for each stdin line "run"
 *   runs one round and prints "<elapsed_ns> <check>\n" (check: datagrams
 *   the sink received, or bytes sent, or round trips done); EOF ends it.
 * Only the client loop is timed, with CLOCK_MONOTONIC, inside the client.
 */
#ifndef COMPARE_WORKER_H
#define COMPARE_WORKER_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Not in every libc's headers (udp(7)). */
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

/* Three bytes the sink recognises as "round over, tell me your count". */
#define END_MARKER "END"

struct params {
    const char *workload;
    const char *host;
    int port;
    long count; /* operations per round */
    long size;  /* bytes per message / segment */
    long batch; /* messages per batch / segments per GSO send */
    const char *file;
};

static struct params P;

static void die(const char *what) {
    fprintf(stderr, "%s client: %s: %s\n", P.workload ? P.workload : "?", what, strerror(errno));
    exit(2);
}

__attribute__((unused)) static void die_rc(const char *what, long rc) {
    fprintf(stderr, "%s client: %s: %s\n", P.workload ? P.workload : "?", what, strerror((int)-rc));
    exit(2);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct sockaddr_in peer_sockaddr(void) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)P.port);
    if (inet_pton(AF_INET, P.host, &a.sin_addr) != 1) {
        fprintf(stderr, "bad host %s\n", P.host);
        exit(2);
    }
    return a;
}

static int is(const char *w) { return strcmp(P.workload, w) == 0; }

/* Untimed: asks the UDP sink how many datagrams it got this round. `fd`
 * is a plain descriptor (both clients expose theirs); the sink replies to
 * the sender's address with a little-endian u64. */
static uint64_t sink_count_fd(int fd, int connected) {
    struct sockaddr_in to = peer_sockaddr();
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = connected ? send(fd, END_MARKER, 3, 0)
                          : sendto(fd, END_MARKER, 3, 0, (struct sockaddr *)&to, sizeof to);
    if (n != 3) die("send end marker");
    uint8_t reply[8];
    for (;;) {
        n = recv(fd, reply, sizeof reply, 0);
        if (n == 8) break;
        if (n < 0) die("recv sink count");
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | reply[i];
    return v;
}

static void setup(void);
/* One round: returns the elapsed nanoseconds, writes the check value. */
static uint64_t round_run(uint64_t *check);

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s WORKLOAD HOST PORT COUNT SIZE BATCH FILE\n", argv[0]);
        return 2;
    }
    P.workload = argv[1];
    P.host = argv[2];
    P.port = atoi(argv[3]);
    P.count = atol(argv[4]);
    P.size = atol(argv[5]);
    P.batch = atol(argv[6]);
    P.file = argv[7];
    setup();
    printf("ready\n");
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        if (strncmp(line, "run", 3) != 0) continue;
        uint64_t check = 0;
        uint64_t ns = round_run(&check);
        printf("%llu %llu\n", (unsigned long long)ns, (unsigned long long)check);
        fflush(stdout);
    }
    return 0;
}

#endif
