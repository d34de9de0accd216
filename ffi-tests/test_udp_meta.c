/* Per-datagram UDP metadata through the C ABI (wl_dgram_set_recv_meta,
 * wl_dgram_send_meta, wl_dgram_recv_meta): a CE mark and TTL 7 arrive as
 * sent, the destination of a wildcard-bound socket is reported, the
 * timestamp lies between send and receive, bad input is -EINVAL; both
 * families. The error queue: a datagram to a closed port comes back as
 * a typed ECONNREFUSED naming the loopback offender, on the unconnected
 * and the connected socket; PMTU discovery modes round-trip and a
 * connected socket reads its path MTU. */
#define _GNU_SOURCE
#include "check.h"

#include <time.h>

static void fields(const char *local, const char *wildcard, const char *dst_text) {
    wl_dgram *rx = wl_bind_dgram(wildcard);
    wl_dgram *tx = wl_bind_dgram(local);
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_ECN | WL_META_ADDR | WL_META_TTL | WL_META_TIMESTAMP, true));
    wl_addr rxa, to = wl_parse(dst_text);
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &rxa));
    /* Aim at the wildcard socket's port on the given address. */
    char text[WL_ADDR_STRLEN + 8];
    char host[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&to, host, sizeof host));
    *strrchr(host, ':') = '\0';
    char port[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&rxa, port, sizeof port));
    snprintf(text, sizeof text, "%s%s", host, strrchr(port, ':'));
    to = wl_parse(text);

    wl_udp_send_meta m;
    memset(&m, 0, sizeof m);
    m.present = WL_META_ECN | WL_META_TTL;
    m.ecn = 3; /* CE */
    m.ttl = 7;
    struct timespec before, after;
    /* Stamping switches on asynchronously: retry until one is stamped. */
    wl_udp_recv_meta r;
    char buf[16];
    int stamped = 0;
    for (int i = 0; i < 200 && !stamped; i++) {
        clock_gettime(CLOCK_REALTIME, &before);
        CHECK(wl_dgram_send_meta(tx, "meta", 4, &to, &m) == 4);
        CHECK(wl_dgram_recv_meta(rx, buf, sizeof buf, &r) == 4);
        clock_gettime(CLOCK_REALTIME, &after);
        stamped = (r.present & WL_META_TIMESTAMP) != 0;
        if (!stamped) {
            struct timespec ten_ms = {0, 10000000};
            nanosleep(&ten_ms, NULL);
        }
    }
    CHECK(stamped);
    CHECK(memcmp(buf, "meta", 4) == 0);
    CHECK(r.len == 4);
    CHECK(r.present & WL_META_ECN);
    CHECK(r.ecn == 3);
    CHECK(r.present & WL_META_TTL);
    CHECK(r.ttl == 7);
    CHECK(!(r.present & WL_META_CTRUNC));
    CHECK(r.present & WL_META_ADDR);
    CHECK(r.ifindex > 0);
    char dst[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&r.dst, dst, sizeof dst));
    *strrchr(dst, ':') = '\0';
    if (strcmp(dst, host) != 0) {
        fprintf(stderr, "destination %s, expected %s\n", dst, host);
        exit(1);
    }
    long long ts = (long long)r.ts_sec * 1000000000LL + r.ts_nsec;
    long long b = (long long)before.tv_sec * 1000000000LL + before.tv_nsec;
    long long a = (long long)after.tv_sec * 1000000000LL + after.tv_nsec;
    CHECK(b <= ts && ts <= a);

    /* Bad input: unknown bits, NULL, an ECN value above 3. */
    CHECK_ERR(wl_dgram_set_recv_meta(rx, 1u << 20, true), EINVAL);
    CHECK_ERR(wl_dgram_set_recv_meta(NULL, WL_META_ECN, true), EINVAL);
    CHECK_ERR(wl_dgram_recv_meta(rx, buf, sizeof buf, NULL), EINVAL);
    m.ecn = 4;
    CHECK_ERR(wl_dgram_send_meta(tx, "x", 1, &to, &m), EINVAL);
    m.present = 1u << 20;
    CHECK_ERR(wl_dgram_send_meta(tx, "x", 1, &to, &m), EINVAL);
    /* NULL metadata is none. */
    CHECK(wl_dgram_send_meta(tx, "x", 1, &to, NULL) == 1);
    CHECK(wl_dgram_recv_meta(rx, buf, sizeof buf, &r) == 1);
    CHECK(r.ecn == 0 && r.ttl != 7);
    wl_dgram_free(rx);
    wl_dgram_free(tx);
}

/* Waits (bounded) for a queued error: the ICMP message arrives
 * asynchronously after the send. */
static ssize_t wait_error(wl_dgram *d, wl_dgram_conn *c, wl_udp_queued_error *q) {
    char payload[16];
    ssize_t n = -EAGAIN;
    for (int i = 0; i < 300 && n == -EAGAIN; i++) {
        n = d ? wl_dgram_recv_error(d, payload, sizeof payload, q) : wl_dgram_conn_recv_error(c, payload, sizeof payload, q);
        if (n == -EAGAIN) {
            struct timespec ten_ms = {0, 10000000};
            nanosleep(&ten_ms, NULL);
        }
    }
    return n;
}

static void check_refused(const wl_udp_queued_error *q, const char *host, int port) {
    CHECK(q->error == ECONNREFUSED);
    CHECK(q->origin == 2 || q->origin == 3); /* SO_EE_ORIGIN_ICMP / _ICMP6 */
    CHECK(q->icmp_type == (q->origin == 2 ? 3 : 1)); /* destination unreachable */
    char off[WL_ADDR_STRLEN];
    CHECK(q->offender.len > 0);
    CHECK_OK(wl_addr_format(&q->offender, off, sizeof off));
    *strrchr(off, ':') = '\0';
    if (strcmp(off, host) != 0) {
        fprintf(stderr, "offender %s, expected %s\n", off, host);
        exit(1);
    }
    if (q->destination.len > 0) {
        CHECK(wl_addr_port(&q->destination) == port);
    }
}

static void errors_and_pmtu(const char *local, const char *host) {
    /* A port that was just closed. */
    wl_dgram *gone = wl_bind_dgram(local);
    wl_addr closed;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(gone), &closed));
    int port = wl_addr_port(&closed);
    CHECK(port > 0);
    wl_dgram_free(gone);

    wl_dgram *tx = wl_bind_dgram(local);
    CHECK_OK(wl_dgram_set_recv_meta(tx, WL_META_ERRORS, true));
    wl_udp_queued_error q;
    char buf[16];
    CHECK_ERR(wl_dgram_recv_error(tx, buf, sizeof buf, &q), EAGAIN);
    CHECK_ERR(wl_dgram_recv_error(tx, buf, sizeof buf, NULL), EINVAL);
    CHECK_ERR(wl_dgram_recv_error(NULL, buf, sizeof buf, &q), EINVAL);

    /* PMTU modes round-trip; unknown ones are refused. */
    int mode = -1;
    CHECK_OK(wl_dgram_set_mtu_discover(tx, WL_PMTUDISC_PROBE));
    CHECK_OK(wl_dgram_mtu_discover(tx, &mode));
    CHECK(mode == WL_PMTUDISC_PROBE);
    CHECK_OK(wl_dgram_set_mtu_discover(tx, WL_PMTUDISC_DO));
    CHECK_OK(wl_dgram_mtu_discover(tx, &mode));
    CHECK(mode == WL_PMTUDISC_DO);
    CHECK_ERR(wl_dgram_set_mtu_discover(tx, 99), EINVAL);
    CHECK_ERR(wl_dgram_mtu_discover(tx, NULL), EINVAL);

    /* Unconnected: the error names the offender and where it was going. */
    CHECK(wl_dgram_send_to(tx, "x", 1, &closed, 0) == 1);
    CHECK(wait_error(tx, NULL, &q) >= 0);
    check_refused(&q, host, port);

    /* Connected: the same, and the path MTU towards the peer. */
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_dgram_connect(tx, &closed, &c));
    CHECK(wl_dgram_conn_send(c, "y", 1, 0) == 1);
    CHECK(wait_error(NULL, c, &q) >= 0);
    check_refused(&q, host, port);
    CHECK_ERR(wl_dgram_conn_recv_error(c, buf, sizeof buf, &q), EAGAIN);
    uint32_t mtu = 0;
    CHECK_OK(wl_dgram_conn_path_mtu(c, &mtu));
    CHECK(mtu >= 1280);
    CHECK_ERR(wl_dgram_conn_path_mtu(c, NULL), EINVAL);
    CHECK_ERR(wl_dgram_conn_path_mtu(NULL, &mtu), EINVAL);
    wl_dgram_conn_free(c);
}

int main(void) {
    errors_and_pmtu("127.0.0.1:0", "127.0.0.1");
    errors_and_pmtu("[::1]:0", "[::1]");
    fields("127.0.0.1:0", "0.0.0.0:0", "127.0.0.2:1");
    fields("127.0.0.1:0", "0.0.0.0:0", "127.0.0.1:1");
    fields("[::1]:0", "[::]:0", "[::1]:1");
    puts("test_udp_meta: ok");
    return 0;
}
