/* Per-datagram UDP metadata through the C ABI (wl_dgram_set_recv_meta,
 * wl_dgram_send_meta, wl_dgram_recv_meta): a CE mark and TTL 7 arrive as
 * sent, the destination of a wildcard-bound socket is reported, the
 * timestamp lies between send and receive, bad input is -EINVAL; both
 * families. */
#define _GNU_SOURCE
#include "check.h"

#include <time.h>

static wl_dgram *bind_dgram(const char *text) {
    wl_addr a = wl_parse(text);
    wl_raw *raw = NULL;
    wl_dgram *d = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&a), SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &a, &d));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(d), 5000));
    return d;
}

static void fields(const char *local, const char *wildcard, const char *dst_text) {
    wl_dgram *rx = bind_dgram(wildcard);
    wl_dgram *tx = bind_dgram(local);
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

int main(void) {
    fields("127.0.0.1:0", "0.0.0.0:0", "127.0.0.2:1");
    fields("127.0.0.1:0", "0.0.0.0:0", "127.0.0.1:1");
    fields("[::1]:0", "[::]:0", "[::1]:1");
    puts("test_udp_meta: ok");
    return 0;
}
