/* Batched datagrams (sendmmsg/recvmmsg) and UDP GSO/GRO. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/uio.h>

static wl_dgram *udp(const char *text) {
    wl_addr a = wl_parse(text);
    wl_dgram *d = NULL;
    CHECK_OK(wl_datagram_bind(NULL, &a, &d));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(d), 5000));
    return d;
}

static void batches_round_trip(const char *text) {
    wl_dgram *tx = udp(text), *rx = udp(text);
    wl_addr to;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    int family = wl_addr_family(&to);

    wl_send_batch *sb = NULL;
    CHECK_OK(wl_send_batch_new(family, 4, &sb));
    CHECK(wl_send_batch_capacity(sb) == 4 && wl_send_batch_len(sb) == 0);
    const char *payloads[] = {"a", "bb", "ccc", "dddd"};
    for (int i = 0; i < 4; i++) {
        CHECK_OK(wl_send_batch_push(sb, payloads[i], strlen(payloads[i]), &to));
    }
    CHECK_ERR(wl_send_batch_push(sb, "x", 1, &to), ENOBUFS);
    CHECK(wl_send_batch_len(sb) == 4);
    CHECK(wl_dgram_send_batch(tx, sb, 0) == 4);
    CHECK(wl_send_batch_sent(sb) == 4);
    for (size_t i = 0; i < 4; i++) {
        size_t n = 0;
        CHECK_OK(wl_send_batch_sent_len(sb, i, &n));
        CHECK(n == i + 1);
    }
    size_t n = 0;
    CHECK_ERR(wl_send_batch_sent_len(sb, 4, &n), EINVAL);
    CHECK_OK(wl_send_batch_remove_sent(sb));
    CHECK(wl_send_batch_len(sb) == 0);
    CHECK(wl_dgram_send_batch(tx, sb, 0) == 0); /* empty: no syscall */

    wl_recv_batch *rb = NULL;
    CHECK_OK(wl_recv_batch_new(family, 8, 64, &rb));
    CHECK(wl_recv_batch_capacity(rb) == 8);
    size_t slot = 0;
    CHECK_OK(wl_recv_batch_slot_size(rb, &slot));
    CHECK(slot == 64);
    int got = 0;
    while (got < 4) {
        int k = wl_dgram_recv_batch(rx, rb, WL_MSG_WAITFORONE);
        CHECK_OK(k);
        CHECK(k == wl_recv_batch_len(rb));
        for (int i = 0; i < k; i++) {
            wl_recv_msg m;
            CHECK_OK(wl_recv_batch_get(rb, (size_t)i, &m));
            CHECK(m.data_len == strlen(payloads[got]) && m.len == m.data_len);
            CHECK(memcmp(m.data, payloads[got], m.data_len) == 0);
            CHECK(!m.truncated && m.gro_segment == 0);
            CHECK(wl_addr_family(&m.source) == family);
            got++;
        }
    }
    wl_recv_msg m;
    CHECK_ERR(wl_recv_batch_get(rb, 8, &m), EINVAL);
    /* Nothing queued: DONTWAIT is -EAGAIN, never 0. */
    CHECK_ERR(wl_dgram_recv_batch(rx, rb, MSG_DONTWAIT), EAGAIN);

    /* One-shot sendmmsg. */
    wl_mmsg msgs[2] = {{"one", 3, &to}, {"two!", 4, &to}};
    size_t lens[2] = {0, 0};
    CHECK(wl_dgram_sendmmsg(tx, msgs, 2, lens) == 2);
    CHECK(lens[0] == 3 && lens[1] == 4);
    CHECK(wl_dgram_sendmmsg(tx, msgs, 0, NULL) == 0);
    CHECK(wl_dgram_recv_batch(rx, rb, 0) >= 1);

    /* Connected: batches without addresses, and sendmmsg of iovecs. */
    wl_addr txa;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(tx), &txa));
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_dgram_connect(rx, &txa, &c)); /* rx is consumed */
    CHECK_OK(wl_send_batch_clear(sb));
    CHECK_OK(wl_send_batch_push(sb, "p", 1, NULL));
    CHECK_OK(wl_send_batch_push(sb, "q", 1, NULL));
    CHECK(wl_dgram_conn_send_batch(c, sb, 0) == 2);
    char buf[8];
    CHECK(wl_dgram_recv_from(tx, buf, sizeof buf, NULL, 0) == 1);
    CHECK(wl_dgram_recv_from(tx, buf, sizeof buf, NULL, 0) == 1);
    struct iovec iov[2] = {{(void *)"r", 1}, {(void *)"ss", 2}};
    CHECK(wl_dgram_conn_sendmmsg(c, iov, 2, lens) == 2 && lens[1] == 2);
    CHECK(wl_dgram_send_to(tx, "back", 4, &to, 0) == 4);
    CHECK(wl_dgram_conn_recv_batch(c, rb, WL_MSG_WAITFORONE) == 1);
    CHECK_OK(wl_recv_batch_get(rb, 0, &m));
    CHECK(m.data_len == 4 && memcmp(m.data, "back", 4) == 0);

    wl_dgram_conn_free(c);
    wl_dgram_free(tx);
    wl_send_batch_free(sb);
    wl_recv_batch_free(rb);
}

static void udp4(void) { batches_round_trip("127.0.0.1:0"); }
static void udp6(void) { batches_round_trip("[::1]:0"); }

static void unix_batches_and_errors(void) {
    wl_dgram_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_dgram_conn_pair(&a, &b));
    wl_send_batch *sb = NULL, *v4 = NULL;
    wl_recv_batch *rb = NULL;
    CHECK_OK(wl_send_batch_new(AF_UNIX, 2, &sb));
    CHECK_OK(wl_send_batch_new(AF_INET, 2, &v4));
    CHECK_OK(wl_recv_batch_new(AF_UNIX, 2, 16, &rb));
    CHECK_OK(wl_send_batch_push(sb, "u", 1, NULL));
    CHECK(wl_dgram_conn_send_batch(a, sb, 0) == 1);
    CHECK(wl_dgram_conn_recv_batch(b, rb, WL_MSG_WAITFORONE) == 1);
    /* A batch of another domain: a clear error, nothing sent. */
    CHECK_OK(wl_send_batch_push(v4, "x", 1, NULL));
    CHECK_ERR(wl_dgram_conn_send_batch(a, v4, 0), EAFNOSUPPORT);
    CHECK_MSG("another address family");
    wl_addr v6 = wl_parse("[::1]:1");
    CHECK_ERR(wl_send_batch_push(sb, "x", 1, &v6), EAFNOSUPPORT);

    wl_send_batch *bad = (wl_send_batch *)0x1;
    CHECK_ERR(wl_send_batch_new(AF_UNIX, 0, &bad), EINVAL);
    CHECK_ERR(wl_send_batch_new(AF_UNIX, WL_MAX_BATCH + 1, &bad), EINVAL);
    CHECK_ERR(wl_send_batch_new(AF_APPLETALK, 1, &bad), EAFNOSUPPORT);
    CHECK_ERR(wl_send_batch_new(AF_UNIX, 1, NULL), EINVAL);
    CHECK(bad == (wl_send_batch *)0x1);
    wl_recv_batch *rbad = (wl_recv_batch *)0x1;
    CHECK_ERR(wl_recv_batch_new(AF_UNIX, 1, 0, &rbad), EINVAL);
    CHECK_ERR(wl_recv_batch_new(AF_UNIX, 0, 1, &rbad), EINVAL);
    CHECK_ERR(wl_recv_batch_new(AF_APPLETALK, 1, 1, &rbad), EAFNOSUPPORT);
    CHECK(rbad == (wl_recv_batch *)0x1);
    CHECK_ERR(wl_send_batch_push(sb, NULL, 1, NULL), EINVAL);
    CHECK_ERR(wl_send_batch_push(NULL, "x", 1, NULL), EINVAL);
    CHECK_ERR(wl_send_batch_len(NULL), EINVAL);
    CHECK_ERR(wl_send_batch_capacity(NULL), EINVAL);
    CHECK_ERR(wl_send_batch_clear(NULL), EINVAL);
    CHECK_ERR(wl_send_batch_remove_sent(NULL), EINVAL);
    CHECK_ERR(wl_send_batch_sent(NULL), EINVAL);
    CHECK_ERR(wl_recv_batch_len(NULL), EINVAL);
    CHECK_ERR(wl_recv_batch_capacity(NULL), EINVAL);
    CHECK_ERR(wl_recv_batch_slot_size(rb, NULL), EINVAL);
    CHECK_ERR(wl_dgram_conn_recv_batch(a, NULL, 0), EINVAL);
    CHECK_ERR(wl_dgram_conn_sendmmsg(a, NULL, 1, NULL), EINVAL);
    wl_send_batch_free(NULL);
    wl_recv_batch_free(NULL);

    wl_send_batch_free(sb);
    wl_send_batch_free(v4);
    wl_recv_batch_free(rb);
    wl_dgram_conn_free(a);
    wl_dgram_conn_free(b);
}

static void gso_and_gro(void) {
    CHECK(wl_max_udp_payload(AF_INET) == 65507);
    CHECK(wl_max_udp_payload(AF_INET6) == 65527);
    CHECK_ERR(wl_max_udp_payload(AF_UNIX), EAFNOSUPPORT);

    wl_dgram *rx = udp("127.0.0.1:0");
    wl_dgram *tx = udp("127.0.0.1:0");
    wl_addr to, from;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    CHECK_OK(wl_set_udp_gro(wl_dgram_fd(rx), true));
    bool on = false;
    CHECK_OK(wl_udp_gro(wl_dgram_fd(rx), &on));
    CHECK(on);

    static char payload[4000];
    memset(payload, 'g', sizeof payload);
    wl_segmented_send info;
    ssize_t sent = wl_dgram_send_to_segmented(tx, payload, sizeof payload, 1000, &to, &info);
    CHECK(sent == (ssize_t)sizeof payload);
    CHECK(info.bytes == sizeof payload && info.datagrams == 4);
    CHECK(info.offloaded ? info.fallback_errno == 0 : info.fallback_errno > 0);

    /* On loopback GRO hands the segments back coalesced (or one by one). */
    static char buf[65536];
    size_t total = 0;
    while (total < sizeof payload) {
        wl_gro_recv g;
        ssize_t n = wl_dgram_recv_gro(rx, buf, sizeof buf, &g);
        CHECK_OK(n);
        CHECK((size_t)n == g.len && !g.truncated);
        CHECK(g.segment_size == 0 || g.segment_size == 1000);
        CHECK(wl_addr_family(&g.source) == AF_INET);
        total += g.len;
    }
    CHECK(total == sizeof payload);

    /* Socket-wide segment size. */
    uint16_t seg = 1;
    CHECK_OK(wl_set_udp_segment(wl_dgram_fd(tx), 500));
    CHECK_OK(wl_udp_segment(wl_dgram_fd(tx), &seg));
    CHECK(seg == 500);
    CHECK_OK(wl_set_udp_segment(wl_dgram_fd(tx), 0));
    CHECK_OK(wl_udp_segment(wl_dgram_fd(tx), &seg));
    CHECK(seg == 0);
    CHECK_ERR(wl_udp_segment(wl_dgram_fd(tx), NULL), EINVAL);
    CHECK_ERR(wl_udp_gro(wl_dgram_fd(tx), NULL), EINVAL);

    /* Connected: send_segmented and recv_gro. */
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(tx), &from));
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_dgram_connect(tx, &to, &c));
    CHECK(wl_dgram_conn_send_segmented(c, payload, 2500, 1000, NULL) == 2500);
    total = 0;
    while (total < 2500) {
        wl_gro_recv g;
        ssize_t n = wl_dgram_recv_gro(rx, buf, sizeof buf, &g);
        CHECK_OK(n);
        total += (size_t)n;
    }
    wl_dgram_conn *back = NULL;
    CHECK_OK(wl_dgram_connect(rx, &from, &back));
    CHECK(wl_dgram_conn_send(back, "hi", 2, 0) == 2);
    wl_gro_recv g;
    CHECK(wl_dgram_conn_recv_gro(c, buf, sizeof buf, &g) == 2);
    CHECK(g.segment_size == 0);

    /* Checked before any syscall. */
    CHECK_ERR(wl_dgram_conn_send_segmented(c, payload, 2500, 0, NULL), EINVAL);
    CHECK_ERR(wl_dgram_conn_send_segmented(c, payload, 0, 10, NULL), EINVAL);
    CHECK_ERR(wl_dgram_conn_send_segmented(c, payload, sizeof payload, 10, NULL), EINVAL); /* 400 segments */
    CHECK_ERR(wl_dgram_conn_recv_gro(c, buf, sizeof buf, NULL), EINVAL);
    wl_dgram_conn_free(back);
    wl_dgram_conn_free(c);

    /* Unix sockets have no GSO. */
    wl_dgram_conn *ua = NULL, *ub = NULL;
    CHECK_OK(wl_dgram_conn_pair(&ua, &ub));
    CHECK_ERR(wl_dgram_conn_send_segmented(ua, payload, 10, 5, NULL), EAFNOSUPPORT);
    CHECK_ERR(wl_dgram_conn_recv_gro(ua, buf, sizeof buf, &g), EAFNOSUPPORT);
    wl_dgram_conn_free(ua);
    wl_dgram_conn_free(ub);
    wl_addr un = wl_parse("@wl-ffi-gso");
    wl_dgram *ud = NULL;
    CHECK_OK(wl_datagram_bind(NULL, &un, &ud));
    CHECK_ERR(wl_dgram_send_to_segmented(ud, payload, 10, 5, &un, NULL), EAFNOSUPPORT);
    CHECK_ERR(wl_dgram_recv_gro(ud, buf, sizeof buf, &g), EAFNOSUPPORT);
    wl_dgram_free(ud);
}

int main(void) {
    wl_test_start(60);
    RUN(udp4);
    RUN(udp6);
    RUN(unix_batches_and_errors);
    RUN(gso_and_gro);
    return wl_test_end("test_batch");
}
