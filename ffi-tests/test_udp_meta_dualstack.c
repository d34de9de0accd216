/* The destination address of a dual-stack IPv6 socket through the C ABI
 * (issue 16): a UDP socket bound to [::] with IPV6_V6ONLY off receives
 * from IPv4 senders aimed at 127.0.0.1 and at 127.0.0.2, and
 * wl_dgram_recv_meta tells the two apart. The core decodes IPv4-mapped
 * traffic through its IP_PKTINFO twin and reports the destination as the
 * plain IPv4 address (AF_INET), as tests/udp_meta.rs expects of
 * RecvMeta::dst_ip; the source stays the IPv4-mapped ::ffff:127.0.0.1
 * that recvmsg gives an IPv6 socket. IPv6 traffic to ::1 on the same
 * socket reports ::1. */
#define _GNU_SOURCE
#include "check.h"

static void expect_host(const wl_addr *a, const char *host) {
    char text[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(a, text, sizeof text));
    *strrchr(text, ':') = '\0';
    if (strcmp(text, host) != 0) {
        fprintf(stderr, "address %s, expected %s\n", text, host);
        exit(1);
    }
}

/* Sends one datagram from `tx` to `host`:`port` and checks what `rx`
 * reports: the payload, the destination host and family. */
static void one(wl_dgram *rx, wl_dgram *tx, const char *to_text, const char *dst_host, int dst_family,
                const char *src_host) {
    wl_addr to = wl_parse(to_text);
    CHECK(wl_dgram_send_to(tx, to_text, strlen(to_text), &to, 0) == (ssize_t)strlen(to_text));
    char buf[64];
    wl_udp_recv_meta r;
    memset(&r, 0, sizeof r);
    ssize_t n = wl_dgram_recv_meta(rx, buf, sizeof buf, &r);
    CHECK(n == (ssize_t)strlen(to_text));
    CHECK(memcmp(buf, to_text, (size_t)n) == 0);
    CHECK(!(r.present & WL_META_CTRUNC));
    CHECK(r.present & WL_META_ADDR);
    CHECK(r.ifindex > 0);
    CHECK(wl_addr_family(&r.dst) == dst_family);
    expect_host(&r.dst, dst_host);
    /* The source as an IPv6 socket sees it. */
    CHECK(wl_addr_family(&r.source) == AF_INET6);
    expect_host(&r.source, src_host);
    wl_addr txa;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(tx), &txa));
    CHECK(wl_addr_port(&r.source) == wl_addr_port(&txa));
}

int main(void) {
    wl_dgram *rx = wl_bind_dgram("[::]:0");
    /* Dual stack: V6ONLY off, the default (net.ipv6.bindv6only = 0); it
     * cannot change after bind (EINVAL), so check it. */
    bool only = true;
    CHECK_OK(wl_only_v6(wl_dgram_fd(rx), &only));
    CHECK(!only);
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_ADDR, true));
    wl_addr rxa;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &rxa));
    int port = wl_addr_port(&rxa);
    CHECK(port > 0);

    wl_dgram *tx4 = wl_bind_dgram("127.0.0.1:0");
    wl_dgram *tx6 = wl_bind_dgram("[::1]:0");
    char to[WL_ADDR_STRLEN + 8];
    /* Twice each, interleaved: the reports never stick to the last one. */
    for (int round = 0; round < 2; round++) {
        snprintf(to, sizeof to, "127.0.0.1:%d", port);
        one(rx, tx4, to, "127.0.0.1", AF_INET, "[::ffff:127.0.0.1]");
        snprintf(to, sizeof to, "127.0.0.2:%d", port);
        one(rx, tx4, to, "127.0.0.2", AF_INET, "[::ffff:127.0.0.1]");
        snprintf(to, sizeof to, "[::1]:%d", port);
        one(rx, tx6, to, "[::1]", AF_INET6, "[::1]");
    }
    wl_dgram_free(rx);
    wl_dgram_free(tx4);
    wl_dgram_free(tx6);
    puts("test_udp_meta_dualstack: ok");
    return 0;
}
