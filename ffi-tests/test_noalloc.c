/* The send/recv paths allocate nothing, failures included: malloc and
 * friends are wrapped (glibc's __libc_* entry points) and counted while a
 * steady-state loop runs. Built and run by `make test` only: sanitizers
 * and valgrind replace malloc themselves. */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>
#include <sys/uio.h>

#include "count_alloc.h"

static void hot_paths_allocate_nothing(void) {
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    wl_addr ua = wl_parse("127.0.0.1:0");
    wl_dgram *d1 = NULL, *d2 = NULL;
    CHECK_OK(wl_datagram_bind(NULL, &ua, &d1));
    CHECK_OK(wl_datagram_bind(NULL, &ua, &d2));
    wl_addr a2, from;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(d2), &a2));
    wl_dgram_conn *c1 = NULL, *c2 = NULL;
    CHECK_OK(wl_dgram_conn_pair(&c1, &c2));
    wl_send_batch *sb = NULL;
    wl_recv_batch *rb = NULL;
    CHECK_OK(wl_send_batch_new(AF_INET, 8, &sb));
    CHECK_OK(wl_recv_batch_new(AF_INET, 8, 64, &rb));
    CHECK_OK(wl_socket_set_nonblocking(wl_conn_fd(b), true));
    char buf[64];
    struct iovec iov = {buf, sizeof buf};

    for (int round = 0; round < 2; round++) {
        long before = allocations;
        for (int i = 0; i < 100; i++) {
            CHECK(wl_conn_send(a, "ping", 4, 0) == 4);
            CHECK(wl_conn_recv(b, buf, 4, MSG_WAITALL) == 4);
            CHECK_ERR(wl_conn_recv(b, buf, sizeof buf, 0), EAGAIN); /* failure path */
            struct iovec out = {(void *)"vv", 2};
            CHECK(wl_conn_send_vectored(a, &out, 1) == 2);
            CHECK(wl_conn_recv_vectored(b, &iov, 1) == 2);
            CHECK(wl_dgram_send_to(d1, "d", 1, &a2, 0) == 1);
            CHECK(wl_dgram_recv_from(d2, buf, sizeof buf, &from, 0) == 1);
            CHECK(wl_dgram_conn_send(c1, "u", 1, 0) == 1);
            CHECK(wl_dgram_conn_recv(c2, buf, sizeof buf, 0) == 1);
            CHECK_OK(wl_send_batch_clear(sb));
            CHECK_OK(wl_send_batch_push(sb, "b1", 2, &a2));
            CHECK_OK(wl_send_batch_push(sb, "b2", 2, &a2));
            CHECK(wl_dgram_send_batch(d1, sb, 0) == 2);
            for (int got = 0; got < 2;) {
                int n = wl_dgram_recv_batch(d2, rb, WL_MSG_WAITFORONE);
                CHECK(n > 0);
                got += n;
            }
        }
        long used = allocations - before;
        /* Round 0 warms up lazily initialized state (thread-locals). */
        if (round == 1 && used != 0) {
            fprintf(stderr, "hot paths allocated %ld times in 100 rounds\n", used);
            exit(1);
        }
    }
    wl_send_batch_free(sb);
    wl_recv_batch_free(rb);
    wl_dgram_conn_free(c1);
    wl_dgram_conn_free(c2);
    wl_dgram_free(d1);
    wl_dgram_free(d2);
    wl_conn_free(a);
    wl_conn_free(b);
}

/* The UDP metadata paths (issue 16): per-datagram metadata on bound and
 * connected sockets, per-slot metadata in batches, raw control messages
 * and their cursor, failures included. */
static void metadata_paths_allocate_nothing(void) {
    wl_addr ua = wl_parse("127.0.0.1:0");
    wl_dgram *rx = NULL, *tx = NULL, *x = NULL, *y = NULL;
    CHECK_OK(wl_datagram_bind(NULL, &ua, &rx));
    CHECK_OK(wl_datagram_bind(NULL, &ua, &tx));
    CHECK_OK(wl_datagram_bind(NULL, &ua, &x));
    CHECK_OK(wl_datagram_bind(NULL, &ua, &y));
    wl_addr to, xa, ya;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(x), &xa));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(y), &ya));
    wl_dgram_conn *ca = NULL, *cb = NULL;
    CHECK_OK(wl_dgram_connect(x, &ya, &ca));
    CHECK_OK(wl_dgram_connect(y, &xa, &cb));
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_ECN | WL_META_TTL | WL_META_ADDR, true));
    CHECK_OK(wl_dgram_conn_set_recv_meta(cb, WL_META_ECN | WL_META_TTL, true));
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_conn_fd(cb), true));
    wl_send_batch *sb = NULL;
    wl_recv_batch *rb = NULL;
    CHECK_OK(wl_send_batch_new(AF_INET, 4, &sb));
    CHECK_OK(wl_recv_batch_new(AF_INET, 4, 64, &rb));
    wl_recv_slots *slots = NULL;
    CHECK_OK(wl_recv_slots_new(AF_INET, 4, &slots));
    char slot_buf[64];
    struct iovec slot_iov = {slot_buf, sizeof slot_buf};
    wl_udp_send_meta m;
    memset(&m, 0, sizeof m);
    m.present = WL_META_ECN | WL_META_TTL;
    m.ecn = 3;
    m.ttl = 9;
    _Alignas(8) unsigned char ctl[WL_UDP_RECV_CONTROL_SPACE];
    _Alignas(8) unsigned char in[WL_UDP_RECV_CONTROL_SPACE];
    size_t used = 0;
    int ttl = 5;
    CHECK_OK(wl_cmsg_push(ctl, sizeof ctl, &used, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    char buf[64];
    wl_udp_recv_meta r;
    wl_cmsg_recv got;
    wl_cmsg c;

    for (int round = 0; round < 2; round++) {
        long before = allocations;
        for (int i = 0; i < 50; i++) {
            CHECK(wl_dgram_send_meta(tx, "m", 1, &to, &m) == 1);
            CHECK(wl_dgram_recv_meta(rx, buf, sizeof buf, &r) == 1 && r.ecn == 3);
            CHECK(wl_dgram_conn_send_meta(ca, "c", 1, &m) == 1);
            CHECK(wl_dgram_conn_recv_meta(cb, buf, sizeof buf, &r) == 1 && r.ttl == 9);
            CHECK_ERR(wl_dgram_conn_recv_meta(cb, buf, sizeof buf, &r), EAGAIN); /* failure path */
            CHECK_OK(wl_send_batch_clear(sb));
            CHECK_OK(wl_send_batch_push_meta(sb, "b1", 2, &to, &m));
            CHECK_OK(wl_send_batch_push_meta(sb, "b2", 2, &to, NULL));
            CHECK(wl_dgram_send_batch(tx, sb, 0) == 2);
            for (int n = 0; n < 2;) {
                int k = wl_dgram_recv_batch(rx, rb, WL_MSG_WAITFORONE);
                CHECK(k > 0);
                for (int j = 0; j < k; j++) {
                    const uint8_t *p = NULL;
                    size_t plen = 0;
                    CHECK_OK(wl_recv_batch_meta(rb, (size_t)j, &r));
                    CHECK_OK(wl_recv_batch_control(rb, (size_t)j, &p, &plen));
                    for (int rc = wl_cmsg_first(p, plen, &c); rc == 1; rc = wl_cmsg_next(p, plen, &c)) {
                    }
                }
                n += k;
            }
            CHECK_OK(wl_send_batch_clear(sb));
            CHECK_OK(wl_send_batch_push_meta(sb, "s1", 2, &to, &m));
            CHECK(wl_dgram_send_batch(tx, sb, 0) == 1);
            CHECK(wl_dgram_recv_slots(rx, slots, &slot_iov, 1, 0) == 1);
            CHECK_OK(wl_recv_slots_meta(slots, 0, &r));
            CHECK(r.ecn == 3);
            CHECK(wl_dgram_send_cmsg(tx, "g", 1, &to, ctl, used, 0) == 1);
            CHECK(wl_dgram_recv_cmsg(rx, buf, sizeof buf, in, sizeof in, 0, &got) == 1);
            CHECK_OK(wl_cmsg_recv_meta(&got, in, &r));
            CHECK(r.ttl == 5);
            CHECK(wl_dgram_conn_send_cmsg(ca, "h", 1, ctl, used, 0) == 1);
            CHECK(wl_dgram_conn_recv_cmsg(cb, buf, sizeof buf, in, sizeof in, 0, &got) == 1);
            CHECK(wl_cmsg_first(in, got.control_len, &c) == 1);
        }
        long n = allocations - before;
        if (round == 1 && n != 0) {
            fprintf(stderr, "metadata paths allocated %ld times in 50 rounds\n", n);
            exit(1);
        }
    }
    wl_recv_slots_free(slots);
    wl_send_batch_free(sb);
    wl_recv_batch_free(rb);
    wl_dgram_conn_free(ca);
    wl_dgram_conn_free(cb);
    wl_dgram_free(rx);
    wl_dgram_free(tx);
}

static void the_counter_counts(void) {
    /* Control: a call that does allocate (a handle) is seen. */
    long before = allocations;
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK(allocations > before);
    wl_raw_free(raw);
}

int main(void) {
    wl_test_start(60);
    RUN(the_counter_counts);
    RUN(hot_paths_allocate_nothing);
    RUN(metadata_paths_allocate_nothing);
    return wl_test_end("test_noalloc");
}
