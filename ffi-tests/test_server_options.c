/* The server and proxy options added as rows of the option table
 * (src/options/table.rs), through the generated C exports. */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>

#define ROUND_BOOL(set, get, fd)                                                       \
    do {                                                                               \
        bool v_ = false;                                                               \
        CHECK_OK(set(fd, true));                                                       \
        CHECK_OK(get(fd, &v_));                                                        \
        CHECK(v_ == true);                                                             \
        CHECK_OK(set(fd, false));                                                      \
        CHECK_OK(get(fd, &v_));                                                        \
        CHECK(v_ == false);                                                            \
    } while (0)

#define ROUND_U32(set, get, fd, value)                                                 \
    do {                                                                               \
        uint32_t v_ = 0;                                                               \
        CHECK_OK(set(fd, value));                                                      \
        CHECK_OK(get(fd, &v_));                                                        \
        CHECK(v_ == (value));                                                          \
    } while (0)

/* Every new flag and count through its generated C pair (we run as root:
 * IP_TRANSPARENT and SO_BUSY_POLL above the sysctl need CAP_NET_ADMIN). */
static void every_new_row_round_trips(void) {
    wl_raw *t4 = NULL, *u4 = NULL, *t6 = NULL, *u6 = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &t4));
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &u4));
    CHECK_OK(wl_raw_new(AF_INET6, SOCK_STREAM, &t6));
    CHECK_OK(wl_raw_new(AF_INET6, SOCK_DGRAM, &u6));
    int a = wl_raw_fd(t4), b = wl_raw_fd(u4), c = wl_raw_fd(t6), d = wl_raw_fd(u6);
    ROUND_BOOL(wl_set_transparent, wl_transparent, a);
    ROUND_BOOL(wl_set_bind_address_no_port, wl_bind_address_no_port, a);
    ROUND_BOOL(wl_set_tcp_save_syn, wl_tcp_save_syn, a);
    ROUND_BOOL(wl_set_tcp_thin_linear_timeouts, wl_tcp_thin_linear_timeouts, a);
    ROUND_BOOL(wl_set_out_of_band_inline, wl_out_of_band_inline, a);
    ROUND_BOOL(wl_set_prefer_busy_poll, wl_prefer_busy_poll, a);
    ROUND_U32(wl_set_tcp_notsent_lowat, wl_tcp_notsent_lowat, a, 16384);
    ROUND_U32(wl_set_tcp_syncnt, wl_tcp_syncnt, a, 3);
    ROUND_U32(wl_set_tcp_window_clamp, wl_tcp_window_clamp, a, 65536);
    ROUND_U32(wl_set_busy_poll, wl_busy_poll, a, 50);
    CHECK_ERR(wl_set_tcp_syncnt(a, 0), EINVAL);
    uint32_t secs = 7;
    CHECK_OK(wl_tcp_defer_accept(a, &secs));
    CHECK(secs == 0);
    ROUND_BOOL(wl_set_multicast_all_v4, wl_multicast_all_v4, b);
    ROUND_BOOL(wl_set_recv_tos_v4, wl_recv_tos_v4, b);
    ROUND_BOOL(wl_set_freebind_v6, wl_freebind_v6, c);
    ROUND_BOOL(wl_set_transparent_v6, wl_transparent_v6, c);
    ROUND_BOOL(wl_set_multicast_all_v6, wl_multicast_all_v6, d);
    ROUND_BOOL(wl_set_recv_tclass_v6, wl_recv_tclass_v6, d);
    ROUND_BOOL(wl_set_recv_hoplimit_v6, wl_recv_hoplimit_v6, d);
    ROUND_U32(wl_set_multicast_if_v6, wl_multicast_if_v6, d, 1); /* lo */
    /* IP_HDRINCL belongs to raw sockets (tests/server_options.rs makes one
     * in a namespace); on UDP the kernel answers as it likes, never a crash. */
    bool hdr = false;
    int rc = wl_set_header_included_v4(b, true);
    CHECK(rc == 0 || rc == -ENOPROTOOPT || rc == -EINVAL);
    rc = wl_header_included_v4(b, &hdr);
    CHECK(rc == 0 || rc == -ENOPROTOOPT);
    wl_raw_free(t4);
    wl_raw_free(u4);
    wl_raw_free(t6);
    wl_raw_free(u6);
}

static void freebind_binds_a_foreign_address(void) {
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    bool on = true;
    CHECK_OK(wl_freebind(wl_raw_fd(raw), &on));
    CHECK(on == false);
    CHECK_OK(wl_set_freebind(wl_raw_fd(raw), true));
    CHECK_OK(wl_freebind(wl_raw_fd(raw), &on));
    CHECK(on == true);
    wl_addr foreign = wl_parse("192.0.2.1:0");
    wl_bound *bound = NULL;
    CHECK_OK(wl_raw_bind(raw, &foreign, &bound));
    wl_bound_free(bound);
}

static void ranges_are_checked_with_a_message(void) {
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    int fd = wl_raw_fd(raw);
    CHECK_ERR(wl_set_tcp_maxseg(fd, 50), EINVAL);
    CHECK_MSG("TCP_MAXSEG must be in 88..=32767");
    CHECK_OK(wl_set_tcp_maxseg(fd, 1000));
    uint32_t mss = 0;
    CHECK_OK(wl_tcp_maxseg(fd, &mss));
    CHECK(mss == 1000);
    CHECK_OK(wl_set_tcp_defer_accept(fd, 0));
    wl_raw_free(raw);
}

static void read_only_rows(void) {
    wl_raw *a = NULL, *b = NULL;
    CHECK_OK(wl_raw_new(AF_INET6, SOCK_DGRAM, &a));
    CHECK_OK(wl_raw_new(AF_INET6, SOCK_DGRAM, &b));
    uint64_t ca = 0, cb = 0;
    CHECK_OK(wl_cookie(wl_raw_fd(a), &ca));
    CHECK_OK(wl_cookie(wl_raw_fd(b), &cb));
    CHECK(ca != 0 && cb != 0 && ca != cb);
    int32_t v = -1;
    CHECK_OK(wl_socket_type(wl_raw_fd(a), &v));
    CHECK(v == SOCK_DGRAM);
    CHECK_OK(wl_socket_protocol(wl_raw_fd(a), &v));
    CHECK(v == IPPROTO_UDP);
    bool listening = true;
    CHECK_OK(wl_accepts_connections(wl_raw_fd(a), &listening));
    CHECK(listening == false);
    CHECK_ERR(wl_cookie(-1, &ca), EBADF);
    CHECK_ERR(wl_socket_type(wl_raw_fd(a), NULL), EINVAL);
    wl_raw_free(a);
    wl_raw_free(b);
}

static void incoming_cpu_uses_minus_one_for_none(void) {
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    int fd = wl_raw_fd(raw);
    int32_t cpu = 7;
    CHECK_OK(wl_incoming_cpu(fd, &cpu));
    CHECK(cpu == -1);
    CHECK_OK(wl_set_incoming_cpu(fd, 0));
    CHECK_OK(wl_incoming_cpu(fd, &cpu));
    CHECK(cpu == 0);
    CHECK_OK(wl_set_incoming_cpu(fd, -1));
    CHECK_OK(wl_incoming_cpu(fd, &cpu));
    CHECK(cpu == -1);
    wl_raw_free(raw);
}

int main(void) {
    wl_test_start(30);
    RUN(every_new_row_round_trips);
    RUN(freebind_binds_a_foreign_address);
    RUN(ranges_are_checked_with_a_message);
    RUN(read_only_rows);
    RUN(incoming_cpu_uses_minus_one_for_none);
    return wl_test_end("test_server_options");
}
