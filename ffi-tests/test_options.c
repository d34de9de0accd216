/* Socket options through the descriptor of any handle, as in Rust. */
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
        CHECK_ERR(get(fd, NULL), EINVAL);                                              \
        CHECK_ERR(set(-1, true), EBADF);                                               \
    } while (0)

#define ROUND_VALUE(T, set, get, fd, value)                                            \
    do {                                                                               \
        T v_ = 0;                                                                      \
        CHECK_OK(set(fd, value));                                                      \
        CHECK_OK(get(fd, &v_));                                                        \
        CHECK(v_ == (value));                                                          \
        CHECK_ERR(get(fd, NULL), EINVAL);                                              \
        CHECK_ERR(get(-1, &v_), EBADF);                                                \
    } while (0)

static void socket_level(void) {
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    int fd = wl_raw_fd(raw);
    ROUND_BOOL(wl_set_reuse_address, wl_reuse_address, fd);
    ROUND_BOOL(wl_set_reuse_port, wl_reuse_port, fd);
    ROUND_BOOL(wl_set_broadcast, wl_broadcast, fd);
    ROUND_BOOL(wl_set_tcp_fastopen_connect, wl_tcp_fastopen_connect, fd); /* before connect */
    ROUND_BOOL(wl_set_keepalive, wl_keepalive, fd);
    ROUND_VALUE(uint32_t, wl_set_priority, wl_priority, fd, 3);
    ROUND_VALUE(size_t, wl_set_recv_low_watermark, wl_recv_low_watermark, fd, 16);

    /* The kernel doubles buffer sizes for its bookkeeping. */
    size_t size = 0;
    CHECK_OK(wl_set_send_buffer_size(fd, 65536));
    CHECK_OK(wl_send_buffer_size(fd, &size));
    CHECK(size == 2 * 65536);
    CHECK_OK(wl_set_recv_buffer_size(fd, 65536));
    CHECK_OK(wl_recv_buffer_size(fd, &size));
    CHECK(size == 2 * 65536);
    CHECK_ERR(wl_set_send_buffer_size(fd, 0), EINVAL);
    CHECK_MSG("SO_SNDBUF");
    CHECK_ERR(wl_send_buffer_size(fd, NULL), EINVAL);
    CHECK_ERR(wl_recv_buffer_size(-1, &size), EBADF);
    CHECK_ERR(wl_set_recv_buffer_size(-1, 1), EBADF);

    bool on = true;
    uint32_t secs = 99;
    CHECK_OK(wl_linger(fd, &on, &secs));
    CHECK(!on && secs == 0);
    CHECK_OK(wl_set_linger(fd, true, 5));
    CHECK_OK(wl_linger(fd, &on, &secs));
    CHECK(on && secs == 5);
    CHECK_OK(wl_set_linger(fd, false, 0));
    CHECK_OK(wl_linger(fd, &on, &secs));
    CHECK(!on);
    CHECK_ERR(wl_set_linger(fd, true, 0x80000000u), EINVAL);
    CHECK_ERR(wl_linger(fd, NULL, &secs), EINVAL);
    CHECK_ERR(wl_linger(fd, &on, NULL), EINVAL);

    /* SO_MARK needs CAP_NET_ADMIN: either it round-trips or EPERM. */
    int rc = wl_set_mark(fd, 7);
    uint32_t mark = 0;
    if (rc == 0) {
        CHECK_OK(wl_mark(fd, &mark));
        CHECK(mark == 7);
    } else {
        CHECK(rc == -EPERM);
        CHECK_OK(wl_mark(fd, &mark));
        CHECK(mark == 0);
    }
    CHECK_ERR(wl_mark(fd, NULL), EINVAL);
    wl_raw_free(raw);

    /* An fd that is not open: the syscall says EBADF. */
    CHECK_ERR(wl_set_reuse_address(100000, true), EBADF);
}

static void tcp_level(void) {
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    int fd = wl_conn_fd(a);
    ROUND_BOOL(wl_set_tcp_nodelay, wl_tcp_nodelay, fd);
    ROUND_BOOL(wl_set_tcp_cork, wl_tcp_cork, fd);
    bool quick = false;
    CHECK_OK(wl_set_tcp_quickack(fd, true));
    CHECK_OK(wl_tcp_quickack(fd, &quick)); /* the kernel may clear it again: just readable */
    CHECK_ERR(wl_tcp_quickack(fd, NULL), EINVAL);
    CHECK_ERR(wl_set_tcp_quickack(-1, true), EBADF);

    ROUND_VALUE(uint32_t, wl_set_tcp_keepalive_idle, wl_tcp_keepalive_idle, fd, 30);
    ROUND_VALUE(uint32_t, wl_set_tcp_keepalive_interval, wl_tcp_keepalive_interval, fd, 5);
    ROUND_VALUE(uint32_t, wl_set_tcp_keepalive_count, wl_tcp_keepalive_count, fd, 3);
    CHECK_ERR(wl_set_tcp_keepalive_idle(fd, 0), EINVAL);
    CHECK_MSG("TCP_KEEPIDLE");
    CHECK_ERR(wl_set_tcp_keepalive_count(fd, 1000), EINVAL);
    ROUND_VALUE(uint32_t, wl_set_tcp_user_timeout, wl_tcp_user_timeout, fd, 1500);
    CHECK_OK(wl_set_tcp_user_timeout(fd, 0));
    uint32_t ms = 1;
    CHECK_OK(wl_tcp_user_timeout(fd, &ms));
    CHECK(ms == 0);
    CHECK_ERR(wl_set_tcp_user_timeout(fd, 0x80000000u), EINVAL);

    char name[32];
    CHECK_OK(wl_set_tcp_congestion(fd, "reno"));
    CHECK(wl_tcp_congestion(fd, name, sizeof name) == 4);
    CHECK(strcmp(name, "reno") == 0);
    char tiny[3];
    CHECK(wl_tcp_congestion(fd, tiny, sizeof tiny) == 4); /* truncated, snprintf-style */
    CHECK(strcmp(tiny, "re") == 0);
    CHECK_ERR(wl_set_tcp_congestion(fd, "no-such-algorithm"), EINVAL); /* 17 bytes: too long */
    CHECK_ERR(wl_set_tcp_congestion(fd, "nosuchalgo"), ENOENT);
    CHECK_ERR(wl_set_tcp_congestion(fd, NULL), EINVAL);
    CHECK_ERR(wl_tcp_congestion(fd, NULL, 4), EINVAL);

    wl_tcp_info info;
    memset(&info, 0xff, sizeof info);
    CHECK_OK(wl_get_tcp_info(fd, &info));
    CHECK(info.state == 1); /* TCP_ESTABLISHED */
    CHECK(info.snd_mss > 0 && info.reported_len > 0);
    CHECK_ERR(wl_get_tcp_info(fd, NULL), EINVAL);

    wl_conn_free(a);
    wl_conn_free(b);

    wl_addr addr;
    wl_listener *l = wl_listen_on("127.0.0.1:0", &addr);
    CHECK_OK(wl_get_tcp_info(wl_listener_fd(l), &info));
    CHECK(info.state == 10); /* TCP_LISTEN */
    ROUND_VALUE(uint32_t, wl_set_tcp_fastopen, wl_tcp_fastopen, wl_listener_fd(l), 5);
    wl_listener_free(l);

    /* TCP options on a UDP socket: the kernel's error, unchanged. */
    wl_dgram_conn *u1 = NULL, *u2 = NULL;
    CHECK_OK(wl_dgram_conn_pair(&u1, &u2));
    CHECK_ERR(wl_get_tcp_info(wl_dgram_conn_fd(u1), &info), EOPNOTSUPP);
    wl_dgram_conn_free(u1);
    wl_dgram_conn_free(u2);
}

static void ip_level(void) {
    wl_raw *v4 = NULL, *v6 = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &v4));
    CHECK_OK(wl_raw_new(AF_INET6, SOCK_DGRAM, &v6));
    int fd4 = wl_raw_fd(v4), fd6 = wl_raw_fd(v6);
    ROUND_VALUE(uint32_t, wl_set_ttl, wl_ttl, fd4, 42);
    CHECK_ERR(wl_set_ttl(fd4, 0), EINVAL);
    ROUND_VALUE(uint8_t, wl_set_tos, wl_tos, fd4, 0x10);
    ROUND_VALUE(uint32_t, wl_set_unicast_hops_v6, wl_unicast_hops_v6, fd6, 17);
    ROUND_VALUE(uint8_t, wl_set_tclass_v6, wl_tclass_v6, fd6, 0x20);
    ROUND_BOOL(wl_set_only_v6, wl_only_v6, fd6);
    ROUND_VALUE(uint32_t, wl_set_multicast_ttl_v4, wl_multicast_ttl_v4, fd4, 4);
    ROUND_BOOL(wl_set_multicast_loop_v4, wl_multicast_loop_v4, fd4);
    ROUND_VALUE(uint32_t, wl_set_multicast_hops_v6, wl_multicast_hops_v6, fd6, 5);
    ROUND_BOOL(wl_set_multicast_loop_v6, wl_multicast_loop_v6, fd6);

    const uint8_t group4[4] = {239, 1, 2, 3}, lo4[4] = {127, 0, 0, 1}, unicast4[4] = {10, 0, 0, 1};
    CHECK_OK(wl_join_multicast_v4(fd4, group4, lo4));
    CHECK_ERR(wl_join_multicast_v4(fd4, group4, lo4), EADDRINUSE);
    CHECK_OK(wl_leave_multicast_v4(fd4, group4, lo4));
    CHECK_ERR(wl_leave_multicast_v4(fd4, group4, lo4), EADDRNOTAVAIL);
    CHECK_ERR(wl_join_multicast_v4(fd4, unicast4, lo4), EINVAL);
    CHECK_ERR(wl_join_multicast_v4(fd4, NULL, lo4), EINVAL);
    CHECK_ERR(wl_leave_multicast_v4(fd4, group4, NULL), EINVAL);

    uint8_t group6[16] = {0xff, 0x02};
    group6[13] = 1;
    group6[15] = 3; /* ff02::1:3 */
    CHECK_OK(wl_join_multicast_v6(fd6, group6, 1 /* lo */));
    CHECK_OK(wl_leave_multicast_v6(fd6, group6, 1));
    uint8_t unicast6[16] = {0};
    unicast6[15] = 1;
    CHECK_ERR(wl_join_multicast_v6(fd6, unicast6, 1), EINVAL);
    CHECK_ERR(wl_join_multicast_v6(fd6, NULL, 1), EINVAL);
    CHECK_ERR(wl_leave_multicast_v6(fd6, NULL, 1), EINVAL);
    wl_raw_free(v4);
    wl_raw_free(v6);
}

static void device(void) {
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    int fd = wl_raw_fd(raw);
    char name[16] = "x";
    CHECK(wl_bound_device(fd, name, sizeof name) == 0);
    CHECK(name[0] == '\0');
    CHECK_ERR(wl_bind_device(fd, "no-such-if0"), ENODEV);
    CHECK_ERR(wl_bind_device(fd, "a-name-much-too-long"), EINVAL);
    CHECK_OK(wl_bind_device(fd, "lo"));
    CHECK(wl_bound_device(fd, name, sizeof name) == 2);
    CHECK(strcmp(name, "lo") == 0);
    /* Removing a binding needs CAP_NET_RAW: done, or EPERM. */
    int rc = wl_bind_device(fd, NULL);
    CHECK(rc == 0 || rc == -EPERM);
    CHECK_ERR(wl_bound_device(-1, name, sizeof name), EBADF);
    wl_raw_free(raw);
}

int main(void) {
    wl_test_start(60);
    RUN(socket_level);
    RUN(tcp_level);
    RUN(ip_level);
    RUN(device);
    return wl_test_end("test_options");
}
