/*
 * raw_client.c -- the baseline: every workload written directly against
 * libc, the way a careful C program would (MSG_NOSIGNAL on sends, as the
 * library does). Built by `cargo run --release --example compare` with
 * `cc -O2`. See worker.h for the protocol.
 */
#include "worker.h"

#include <netdb.h>

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

static int fd = -1;
static char *buf;     /* payload (or the GSO train) */
static char *rbuf;    /* receive buffer */
static struct sockaddr_in to;
static struct mmsghdr *hdrs;
static struct iovec *iovs;
static int file_fd = -1;
static off_t file_len;

static int tcp_connect(void) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    if (connect(s, (struct sockaddr *)&to, sizeof to) != 0) die("connect");
    int one = 1;
    if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("TCP_NODELAY");
    return s;
}

/* Connected: connect(2) picks the source address. Unconnected: bound to
 * 127.0.0.1:0 first, exactly as every other client binds its unconnected
 * socket (a wildcard-bound socket takes a different route lookup). */
static int udp_socket(int connected) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    if (connected) {
        if (connect(s, (struct sockaddr *)&to, sizeof to) != 0) die("connect");
    } else {
        struct sockaddr_in lo = {0};
        lo.sin_family = AF_INET;
        lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(s, (struct sockaddr *)&lo, sizeof lo) != 0) die("bind");
    }
    return s;
}

static void setup(void) {
    to = peer_sockaddr();
    long total = P.size * (P.batch > 0 ? P.batch : 1);
    buf = malloc((size_t)total);
    rbuf = malloc(65536);
    if (!buf || !rbuf) die("malloc");
    memset(buf, 'x', (size_t)total);
    if (is("tcp_pingpong")) {
        fd = tcp_connect();
    } else if (is("udp_rr") || is("udp_loop") || is("udp_gso")) {
        fd = udp_socket(1);
    } else if (is("udp_send")) {
        fd = udp_socket(0);
    } else if (is("udp_batch")) {
        fd = udp_socket(0);
        hdrs = calloc((size_t)P.batch, sizeof *hdrs);
        iovs = calloc((size_t)P.batch, sizeof *iovs);
        if (!hdrs || !iovs) die("calloc");
        for (long i = 0; i < P.batch; i++) {
            iovs[i].iov_base = buf + i * P.size;
            iovs[i].iov_len = (size_t)P.size;
            hdrs[i].msg_hdr.msg_iov = &iovs[i];
            hdrs[i].msg_hdr.msg_iovlen = 1;
            hdrs[i].msg_hdr.msg_name = &to;
            hdrs[i].msg_hdr.msg_namelen = sizeof to;
        }
    } else if (is("tcp_sendfile") || is("tcp_copy")) {
        file_fd = open(P.file, O_RDONLY | O_CLOEXEC);
        if (file_fd < 0) die("open file");
        struct stat st;
        if (fstat(file_fd, &st) != 0) die("fstat");
        file_len = st.st_size;
    } else if (is("tcp_connect_name")) {
        /* nothing to set up: each op resolves and connects */
    } else {
        fprintf(stderr, "raw client: unknown workload %s\n", P.workload);
        exit(2);
    }
}

static void send_exact(int s, const char *p, size_t len) {
    ssize_t n = send(s, p, len, MSG_NOSIGNAL);
    if (n != (ssize_t)len) die("send");
}

static void recv_exact(int s, char *p, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(s, p + got, len - got, 0);
        if (n <= 0) die("recv");
        got += (size_t)n;
    }
}

/* Connects to the TCP sink, sends the whole file, half-closes and waits
 * for the sink to close: the transfer is complete when that returns. */
static uint64_t file_round(int use_sendfile, uint64_t *check) {
    uint64_t t0 = now_ns();
    int s = tcp_connect();
    off_t sent = 0;
    if (use_sendfile) {
        off_t off = 0;
        while (off < file_len) {
            ssize_t n = sendfile(s, file_fd, &off, (size_t)(file_len - off));
            if (n <= 0) die("sendfile");
        }
        sent = off;
    } else {
        if (lseek(file_fd, 0, SEEK_SET) != 0) die("lseek");
        for (;;) {
            ssize_t n = read(file_fd, rbuf, 65536);
            if (n < 0) die("read");
            if (n == 0) break;
            ssize_t w = 0;
            while (w < n) {
                ssize_t k = send(s, rbuf + w, (size_t)(n - w), MSG_NOSIGNAL);
                if (k <= 0) die("send");
                w += k;
            }
            sent += n;
        }
    }
    if (shutdown(s, SHUT_WR) != 0) die("shutdown");
    char c;
    if (recv(s, &c, 1, 0) != 0) die("sink close");
    close(s);
    uint64_t t = now_ns() - t0;
    *check = (uint64_t)sent;
    return t;
}

/* The way a C program connects by name: getaddrinfo, then each address
 * in turn (sequentially, no Happy Eyeballs), then close. */
static void connect_by_name_once(const char *service) {
    struct addrinfo hints = {0}, *list = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo("localhost", service, &hints, &list) != 0) die("getaddrinfo");
    int s = -1;
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (s < 0) continue;
        if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0) break;
        close(s);
        s = -1;
    }
    freeaddrinfo(list);
    if (s < 0) die("connect by name");
    close(s);
}

static uint64_t round_run(uint64_t *check) {
    if (is("tcp_sendfile")) return file_round(1, check);
    if (is("tcp_copy")) return file_round(0, check);
    if (is("tcp_connect_name")) {
        char service[16];
        snprintf(service, sizeof service, "%d", P.port);
        uint64_t t0 = now_ns();
        for (long i = 0; i < P.count; i++) connect_by_name_once(service);
        uint64_t t = now_ns() - t0;
        *check = (uint64_t)P.count;
        return t;
    }

    uint64_t t0 = now_ns();
    if (is("tcp_pingpong")) {
        for (long i = 0; i < P.count; i++) {
            send_exact(fd, buf, (size_t)P.size);
            recv_exact(fd, rbuf, (size_t)P.size);
        }
    } else if (is("udp_rr")) {
        for (long i = 0; i < P.count; i++) {
            send_exact(fd, buf, (size_t)P.size);
            if (recv(fd, rbuf, 65536, 0) != P.size) die("recv");
        }
    } else if (is("udp_send")) {
        for (long i = 0; i < P.count; i++) {
            if (sendto(fd, buf, (size_t)P.size, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof to) != P.size)
                die("sendto");
        }
    } else if (is("udp_batch")) {
        for (long i = 0; i < P.count; i++) {
            int n = sendmmsg(fd, hdrs, (unsigned)P.batch, MSG_NOSIGNAL);
            if (n != P.batch) die("sendmmsg");
        }
    } else if (is("udp_loop")) {
        for (long i = 0; i < P.count; i++) {
            for (long k = 0; k < P.batch; k++) send_exact(fd, buf + k * P.size, (size_t)P.size);
        }
    } else if (is("udp_gso")) {
        union {
            char bytes[CMSG_SPACE(sizeof(uint16_t))];
            struct cmsghdr align;
        } control;
        for (long i = 0; i < P.count; i++) {
            struct iovec iov = {buf, (size_t)(P.size * P.batch)};
            struct msghdr msg = {0};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control.bytes;
            msg.msg_controllen = sizeof control.bytes;
            struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
            cm->cmsg_level = SOL_UDP;
            cm->cmsg_type = UDP_SEGMENT;
            cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            uint16_t seg = (uint16_t)P.size;
            memcpy(CMSG_DATA(cm), &seg, sizeof seg);
            if (sendmsg(fd, &msg, MSG_NOSIGNAL) != P.size * P.batch) die("sendmsg GSO");
        }
    }
    uint64_t t = now_ns() - t0;
    if (is("udp_send") || is("udp_batch") || is("udp_loop") || is("udp_gso")) {
        *check = sink_count_fd(fd, !is("udp_send") && !is("udp_batch"));
    } else {
        *check = (uint64_t)P.count;
    }
    return t;
}
