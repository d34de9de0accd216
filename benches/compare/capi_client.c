/*
 * capi_client.c -- every workload through the C ABI (include/wirelane.h,
 * linked against target/release/libwirelane.so): the same loops as
 * raw_client.c, with each socket call replaced by its wl_* counterpart.
 * Built by `cargo run --release --example compare`. See worker.h.
 */
#include "worker.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "wirelane.h"

static wl_addr peer;
static wl_conn *conn;           /* tcp_pingpong */
static wl_dgram_conn *dconn;    /* udp_rr, udp_loop, udp_gso */
static wl_dgram *dgram;         /* udp_send, udp_batch */
static wl_send_batch *sbatch;   /* udp_batch */
static char *buf, *rbuf;
static int file_fd = -1;
static uint64_t file_len;

static void check(int rc, const char *what) {
    if (rc < 0) die_rc(what, rc);
}

static wl_conn *tcp_connect(void) {
    wl_raw *raw;
    wl_conn *c;
    check(wl_raw_new(AF_INET, SOCK_STREAM, &raw), "wl_raw_new");
    check(wl_raw_connect(raw, &peer, &c), "wl_raw_connect");
    check(wl_set_tcp_nodelay(wl_conn_fd(c), true), "wl_set_tcp_nodelay");
    return c;
}

static void setup(void) {
    struct sockaddr_in to = peer_sockaddr();
    check(wl_addr_ipv4((const uint8_t *)&to.sin_addr, (uint16_t)P.port, &peer), "wl_addr_ipv4");
    long total = P.size * (P.batch > 0 ? P.batch : 1);
    buf = malloc((size_t)total);
    rbuf = malloc(65536);
    if (!buf || !rbuf) die("malloc");
    memset(buf, 'x', (size_t)total);
    wl_raw *raw;
    if (is("tcp_pingpong")) {
        conn = tcp_connect();
    } else if (is("udp_rr") || is("udp_loop") || is("udp_gso")) {
        check(wl_raw_new(AF_INET, SOCK_DGRAM, &raw), "wl_raw_new");
        check(wl_raw_connect_dgram(raw, &peer, &dconn), "wl_raw_connect_dgram");
    } else if (is("udp_send") || is("udp_batch")) {
        wl_addr any;
        uint8_t lo[4] = {127, 0, 0, 1};
        check(wl_addr_ipv4(lo, 0, &any), "wl_addr_ipv4");
        check(wl_raw_new(AF_INET, SOCK_DGRAM, &raw), "wl_raw_new");
        check(wl_raw_bind_dgram(raw, &any, &dgram), "wl_raw_bind_dgram");
        if (is("udp_batch")) {
            check(wl_send_batch_new(AF_INET, (size_t)P.batch, &sbatch), "wl_send_batch_new");
            for (long i = 0; i < P.batch; i++)
                check(wl_send_batch_push(sbatch, buf + i * P.size, (size_t)P.size, &peer), "push");
        }
    } else if (is("tcp_sendfile") || is("tcp_copy")) {
        file_fd = open(P.file, O_RDONLY | O_CLOEXEC);
        if (file_fd < 0) die("open file");
        struct stat st;
        if (fstat(file_fd, &st) != 0) die("fstat");
        file_len = (uint64_t)st.st_size;
    } else if (is("tcp_connect_name")) {
        /* nothing to set up: each op is one wl_connect_by_name */
    } else {
        fprintf(stderr, "C ABI client: unknown workload %s\n", P.workload);
        exit(2);
    }
}

static uint64_t file_round(int use_sendfile, uint64_t *out) {
    uint64_t t0 = now_ns();
    wl_conn *c = tcp_connect();
    uint64_t sent = 0;
    if (use_sendfile) {
        uint64_t off = 0;
        ssize_t n = wl_conn_sendfile_all(c, file_fd, &off, file_len);
        check((int)(n < 0 ? n : 0), "wl_conn_sendfile_all");
        sent = (uint64_t)n;
    } else {
        if (lseek(file_fd, 0, SEEK_SET) != 0) die("lseek");
        for (;;) {
            ssize_t n = read(file_fd, rbuf, 65536);
            if (n < 0) die("read");
            if (n == 0) break;
            ssize_t w = 0;
            while (w < n) {
                ssize_t k = wl_conn_send(c, rbuf + w, (size_t)(n - w), 0);
                if (k <= 0) die_rc("wl_conn_send", k);
                w += k;
            }
            sent += (uint64_t)n;
        }
    }
    check(wl_conn_shutdown(c, SHUT_WR), "wl_conn_shutdown");
    char ch;
    if (wl_conn_recv(c, &ch, 1, 0) != 0) die("sink close");
    wl_conn_free(c);
    uint64_t t = now_ns() - t0;
    *out = sent;
    return t;
}

static uint64_t round_run(uint64_t *out) {
    if (is("tcp_sendfile")) return file_round(1, out);
    if (is("tcp_copy")) return file_round(0, out);
    if (is("tcp_connect_name")) {
        uint64_t t0 = now_ns();
        for (long i = 0; i < P.count; i++) {
            wl_conn *c = NULL;
            check(wl_connect_by_name("localhost", (uint16_t)P.port, NULL, &c), "wl_connect_by_name");
            wl_conn_free(c);
        }
        uint64_t t = now_ns() - t0;
        *out = (uint64_t)P.count;
        return t;
    }

    size_t size = (size_t)P.size;
    uint64_t t0 = now_ns();
    if (is("tcp_pingpong")) {
        for (long i = 0; i < P.count; i++) {
            if (wl_conn_send(conn, buf, size, 0) != (ssize_t)size) die("wl_conn_send");
            size_t got = 0;
            while (got < size) {
                ssize_t n = wl_conn_recv(conn, rbuf + got, size - got, 0);
                if (n <= 0) die_rc("wl_conn_recv", n);
                got += (size_t)n;
            }
        }
    } else if (is("udp_rr")) {
        for (long i = 0; i < P.count; i++) {
            if (wl_dgram_conn_send(dconn, buf, size, 0) != (ssize_t)size) die("wl_dgram_conn_send");
            if (wl_dgram_conn_recv(dconn, rbuf, 65536, 0) != (ssize_t)size) die("wl_dgram_conn_recv");
        }
    } else if (is("udp_send")) {
        for (long i = 0; i < P.count; i++) {
            if (wl_dgram_send_to(dgram, buf, size, &peer, 0) != (ssize_t)size) die("wl_dgram_send_to");
        }
    } else if (is("udp_batch")) {
        for (long i = 0; i < P.count; i++) {
            if (wl_dgram_send_batch(dgram, sbatch, 0) != P.batch) die("wl_dgram_send_batch");
        }
    } else if (is("udp_loop")) {
        for (long i = 0; i < P.count; i++) {
            for (long k = 0; k < P.batch; k++) {
                if (wl_dgram_conn_send(dconn, buf + k * P.size, size, 0) != (ssize_t)size)
                    die("wl_dgram_conn_send");
            }
        }
    } else if (is("udp_gso")) {
        size_t total = size * (size_t)P.batch;
        for (long i = 0; i < P.count; i++) {
            wl_segmented_send r;
            ssize_t n = wl_dgram_conn_send_segmented(dconn, buf, total, (uint16_t)size, &r);
            if (n != (ssize_t)total || !r.offloaded) die("wl_dgram_conn_send_segmented");
        }
    }
    uint64_t t = now_ns() - t0;
    if (is("udp_send") || is("udp_batch")) {
        *out = sink_count_fd(wl_dgram_fd(dgram), 0);
    } else if (is("udp_loop") || is("udp_gso")) {
        *out = sink_count_fd(wl_dgram_conn_fd(dconn), 1);
    } else {
        *out = (uint64_t)P.count;
    }
    return t;
}
