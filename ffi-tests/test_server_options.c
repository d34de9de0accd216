/* The server and proxy options added as rows of the option table
 * (src/options/table.rs), through the generated C exports. */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>

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
    RUN(freebind_binds_a_foreign_address);
    RUN(ranges_are_checked_with_a_message);
    RUN(read_only_rows);
    RUN(incoming_cpu_uses_minus_one_for_none);
    return wl_test_end("test_server_options");
}
