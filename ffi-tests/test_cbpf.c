/* The classic-BPF builder through the C ABI: wl_bpf_insn arrays filled by
 * the helper constructors (or by the kernel's BPF_STMT macros) and
 * attached with SO_ATTACH_REUSEPORT_CBPF / SO_ATTACH_FILTER. Connections
 * spread over a SO_REUSEPORT group of listeners exactly as the program
 * says. */
#define _GNU_SOURCE
#include "check.h"

#include <linux/filter.h>
#include <sched.h>

#define GROUP 3

_Static_assert(sizeof(wl_bpf_insn) == sizeof(struct sock_filter), "wl_bpf_insn mirrors struct sock_filter");

/* GROUP listeners sharing one loopback port, in bind order, non-blocking. */
static void make_group(wl_listener *group[GROUP], wl_addr *addr) {
    uint16_t port = 0;
    for (int i = 0; i < GROUP; i++) {
        uint8_t lo[4] = {127, 0, 0, 1};
        wl_addr want;
        CHECK_OK(wl_addr_ipv4(lo, port, &want));
        wl_raw *raw = NULL;
        wl_bound *bound = NULL;
        CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
        CHECK_OK(wl_set_reuse_port(wl_raw_fd(raw), true));
        CHECK_OK(wl_raw_bind(raw, &want, &bound));
        CHECK_OK(wl_bound_listen(bound, 64, &group[i]));
        CHECK_OK(wl_socket_local_addr(wl_listener_fd(group[i]), addr));
        CHECK_OK(wl_socket_set_nonblocking(wl_listener_fd(group[i]), true));
        port = (uint16_t)wl_addr_port(addr);
    }
}

static void free_group(wl_listener *group[GROUP]) {
    for (int i = 0; i < GROUP; i++) {
        wl_listener_free(group[i]);
    }
}

/* Connects n clients (pinned to `cpu` unless it is -1) and counts, per
 * listener, the connections it accepted into got[]. */
static void spread(wl_listener *group[GROUP], const wl_addr *addr, int n, int cpu, int got[GROUP]) {
    wl_conn *clients[64];
    CHECK(n <= 64);
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
    }
    for (int i = 0; i < n; i++) {
        wl_raw *raw = NULL;
        CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
        CHECK_OK(wl_raw_connect(raw, addr, &clients[i]));
    }
    int total = 0;
    for (int i = 0; i < GROUP; i++) {
        got[i] = 0;
        for (;;) {
            wl_conn *conn = NULL;
            int rc = wl_listener_accept(group[i], &conn, NULL);
            if (rc == -EAGAIN) {
                break;
            }
            CHECK_OK(rc);
            wl_conn_free(conn);
            got[i]++;
            total++;
        }
    }
    CHECK(total == n);
    for (int i = 0; i < n; i++) {
        wl_conn_free(clients[i]);
    }
}

static void a_constant_program_sends_every_connection_to_its_listener(void) {
    wl_listener *group[GROUP];
    wl_addr addr;
    make_group(group, &addr);
    wl_bpf_insn prog[WL_BPF_STEER_LEN];
    CHECK(wl_bpf_constant(2, prog, WL_BPF_STEER_LEN) == 1);
    CHECK_OK(wl_attach_reuseport_cbpf(wl_listener_fd(group[0]), prog, 1));
    int got[GROUP];
    spread(group, &addr, 12, -1, got);
    CHECK(got[0] == 0 && got[1] == 0 && got[2] == 12);

    /* A program written with the kernel's own macros: the same layout. */
    struct sock_filter raw[] = {BPF_STMT(BPF_RET | BPF_K, 1)};
    CHECK_OK(wl_attach_reuseport_cbpf(wl_listener_fd(group[2]), (const wl_bpf_insn *)raw, 1));
    spread(group, &addr, 12, -1, got);
    CHECK(got[0] == 0 && got[1] == 12 && got[2] == 0);
    free_group(group);
}

static void steer_by_hash_reaches_every_listener(void) {
    wl_listener *group[GROUP];
    wl_addr addr;
    make_group(group, &addr);
    wl_bpf_insn prog[WL_BPF_STEER_LEN];
    int len = wl_bpf_steer_by_hash(GROUP, prog, WL_BPF_STEER_LEN);
    CHECK(len == WL_BPF_STEER_LEN);
    CHECK_OK(wl_attach_reuseport_cbpf(wl_listener_fd(group[1]), prog, (size_t)len));
    int got[GROUP];
    spread(group, &addr, 60, -1, got);
    CHECK(got[0] > 0 && got[1] > 0 && got[2] > 0);
    free_group(group);
}

static void steer_by_cpu_sends_each_cpus_connections_to_its_listener(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(cpus >= 2); /* to tell steering from chance */
    if (cpus > GROUP) {
        cpus = GROUP;
    }
    cpu_set_t saved;
    CHECK(sched_getaffinity(0, sizeof saved, &saved) == 0);
    wl_listener *group[GROUP];
    wl_addr addr;
    make_group(group, &addr);
    wl_bpf_insn prog[WL_BPF_STEER_LEN];
    int len = wl_bpf_steer_by_cpu(GROUP, prog, WL_BPF_STEER_LEN);
    CHECK_OK(len);
    CHECK_OK(wl_attach_reuseport_cbpf(wl_listener_fd(group[0]), prog, (size_t)len));
    for (int cpu = 0; cpu < cpus; cpu++) {
        int got[GROUP];
        /* On loopback the SYN is processed on the connecting CPU. */
        spread(group, &addr, 8, cpu, got);
        for (int i = 0; i < GROUP; i++) {
            CHECK(got[i] == (i == cpu % GROUP ? 8 : 0));
        }
    }
    CHECK(sched_setaffinity(0, sizeof saved, &saved) == 0);
    free_group(group);
}

static void a_filter_drops_until_detached(void) {
    wl_raw *raw = NULL;
    wl_dgram *rx = NULL, *tx = NULL;
    wl_addr any = wl_parse("127.0.0.1:0"), at;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &any, &rx));
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &any, &tx));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &at));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(rx), 200));
    wl_bpf_insn drop[1];
    CHECK(wl_bpf_constant(0, drop, 1) == 1);
    CHECK_OK(wl_attach_filter(wl_dgram_fd(rx), drop, 1));
    char buf[16];
    CHECK_OK(wl_dgram_send_to(tx, "dropped", 7, &at, 0));
    CHECK_ERR(wl_dgram_recv_from(rx, buf, sizeof buf, NULL, 0), EAGAIN);
    CHECK_OK(wl_detach_filter(wl_dgram_fd(rx)));
    CHECK_OK(wl_dgram_send_to(tx, "kept", 4, &at, 0));
    CHECK(wl_dgram_recv_from(rx, buf, sizeof buf, NULL, 0) == 4);
    CHECK_ERR(wl_detach_filter(wl_dgram_fd(rx)), ENOENT);
    wl_dgram_free(rx);
    wl_dgram_free(tx);
}

static void bad_programs_are_refused_with_a_message(void) {
    wl_bpf_insn prog[WL_BPF_STEER_LEN];
    CHECK_ERR(wl_bpf_steer_by_cpu(0, prog, WL_BPF_STEER_LEN), EINVAL);
    CHECK_MSG("at least 1 socket");
    CHECK_ERR(wl_bpf_steer_by_hash(4, prog, 2), ENOBUFS);
    CHECK_MSG("the program has 3 instructions; the array holds 2");
    CHECK_ERR(wl_bpf_constant(1, NULL, 1), EINVAL);
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    int fd = wl_raw_fd(raw);
    CHECK_ERR(wl_attach_filter(fd, NULL, 1), EINVAL);
    CHECK_ERR(wl_attach_filter(fd, prog, 0), EINVAL);
    CHECK_MSG("1 to 4096 instructions");
    CHECK_ERR(wl_attach_filter(fd, prog, WL_BPF_MAXINSNS + 1), EINVAL);
    /* The kernel's own check: a program that does not end in a return. */
    wl_bpf_insn bad[1] = {{.code = BPF_LD | BPF_W | BPF_ABS, .k = 0}};
    CHECK_ERR(wl_attach_filter(fd, bad, 1), EINVAL);
    CHECK_ERR(wl_attach_reuseport_cbpf(-1, prog, 1), EBADF);
    wl_raw_free(raw);
}

int main(void) {
    wl_test_start(60);
    RUN(a_constant_program_sends_every_connection_to_its_listener);
    RUN(steer_by_hash_reaches_every_listener);
    RUN(steer_by_cpu_sends_each_cpus_connections_to_its_listener);
    RUN(a_filter_drops_until_detached);
    RUN(bad_programs_are_refused_with_a_message);
    return wl_test_end("test_cbpf");
}
