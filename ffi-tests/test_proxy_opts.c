/* The proxy and multicast options that are not table rows, through the C
 * ABI: IP_MULTICAST_IF, source-specific multicast (a member filtered to
 * 127.0.0.1 does not hear 127.0.0.2; IPv6 on a veth), TCP_SAVED_SYN, and SO_ORIGINAL_DST /
 * IP6T_SO_ORIGINAL_DST behind an nft REDIRECT rule in user + network
 * namespaces a forked child makes (unshare(2); nft from scripts/ensure-tools.sh). */
#define _GNU_SOURCE
#include "check.h"

#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/wait.h>

static wl_dgram *udp_on(const char *text) {
    wl_addr addr = wl_parse(text);
    wl_raw *raw = NULL;
    wl_dgram *d = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&addr), SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &addr, &d));
    return d;
}

static void multicast_if_v4_by_address_and_index(void) {
    wl_dgram *s = udp_on("0.0.0.0:0");
    int fd = wl_dgram_fd(s);
    uint8_t lo[4] = {127, 0, 0, 1}, any[4] = {0, 0, 0, 0}, out[4] = {9, 9, 9, 9};
    CHECK_OK(wl_multicast_if_v4(fd, out));
    CHECK(memcmp(out, any, 4) == 0);
    CHECK_OK(wl_set_multicast_if_v4(fd, lo, 0));
    CHECK_OK(wl_multicast_if_v4(fd, out));
    CHECK(memcmp(out, lo, 4) == 0);
    CHECK_OK(wl_set_multicast_if_v4(fd, any, if_nametoindex("lo")));
    CHECK_OK(wl_multicast_if_v4(fd, out));
    CHECK(memcmp(out, any, 4) == 0); /* the kernel does not report the index */
    uint8_t foreign[4] = {192, 0, 2, 1};
    CHECK_ERR(wl_set_multicast_if_v4(fd, foreign, 0), EADDRNOTAVAIL);
    CHECK_ERR(wl_set_multicast_if_v4(fd, any, 0x80000000u), EINVAL);
    CHECK_MSG("IP_MULTICAST_IF");
    CHECK_ERR(wl_set_multicast_if_v4(fd, NULL, 0), EINVAL);
    CHECK_ERR(wl_multicast_if_v4(fd, NULL), EINVAL);
    wl_dgram_free(s);
}

static void send_from(const char *text, const uint8_t group[4], uint16_t port) {
    wl_dgram *tx = udp_on(text);
    uint8_t lo[4] = {127, 0, 0, 1};
    CHECK_OK(wl_set_multicast_if_v4(wl_dgram_fd(tx), lo, 0));
    wl_addr to;
    CHECK_OK(wl_addr_ipv4(group, port, &to));
    CHECK_OK(wl_dgram_send_to(tx, text, strlen(text), &to, 0));
    wl_dgram_free(tx);
}

static void a_source_filtered_member_hears_only_its_source(void) {
    uint8_t group[4] = {232, 7, 17, 3}, lo[4] = {127, 0, 0, 1}, other[4] = {127, 0, 0, 2};
    wl_dgram *rx = udp_on("0.0.0.0:0");
    int fd = wl_dgram_fd(rx);
    CHECK_OK(wl_set_multicast_all_v4(fd, false));
    wl_addr at;
    CHECK_OK(wl_socket_local_addr(fd, &at));
    uint16_t port = (uint16_t)wl_addr_port(&at);
    CHECK_OK(wl_join_ssm_v4(fd, group, lo, lo));
    CHECK_ERR(wl_join_ssm_v4(fd, group, lo, lo), EADDRNOTAVAIL);
    CHECK_OK(wl_socket_set_read_timeout(fd, 300));

    send_from("127.0.0.2:0", group, port);
    send_from("127.0.0.1:0", group, port);
    char buf[32];
    wl_addr from;
    ssize_t n = wl_dgram_recv_from(rx, buf, sizeof buf, &from, 0);
    CHECK(n == (ssize_t)strlen("127.0.0.1:0") && memcmp(buf, "127.0.0.1:0", (size_t)n) == 0);
    CHECK_ERR(wl_dgram_recv_from(rx, buf, sizeof buf, &from, 0), EAGAIN);

    CHECK_ERR(wl_leave_ssm_v4(fd, group, other, lo), EADDRNOTAVAIL);
    CHECK_OK(wl_leave_ssm_v4(fd, group, lo, lo));
    send_from("127.0.0.1:0", group, port);
    CHECK_ERR(wl_dgram_recv_from(rx, buf, sizeof buf, &from, 0), EAGAIN);

    uint8_t unicast[4] = {10, 0, 0, 1};
    CHECK_ERR(wl_join_ssm_v4(fd, unicast, lo, lo), EINVAL);
    CHECK_MSG("not an IPv4 multicast address");
    CHECK_ERR(wl_join_ssm_v4(fd, group, NULL, lo), EINVAL);
    uint8_t g6[16] = {0xff, 0x3e, [15] = 0x17}, s6[16] = {[15] = 1};
    wl_dgram *rx6 = udp_on("[::1]:0");
    CHECK_ERR(wl_join_ssm_v6(wl_dgram_fd(rx6), s6, s6, 0), EINVAL);
    CHECK_MSG("MCAST_JOIN_SOURCE_GROUP");
    CHECK_ERR(wl_join_ssm_v6(wl_dgram_fd(rx6), g6, g6, 0), EINVAL);
    wl_dgram_free(rx6);
    wl_dgram_free(rx);
}

static void the_saved_syn_is_the_clients_tcp_syn(void) {
    wl_addr want = wl_parse("127.0.0.1:0"), addr;
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    wl_listener *listener = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_set_tcp_save_syn(wl_raw_fd(raw), true));
    CHECK_OK(wl_raw_bind(raw, &want, &bound));
    CHECK_OK(wl_bound_listen(bound, 4, &listener));
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(listener), &addr));
    wl_conn *client = NULL, *server = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect(raw, &addr, &client));
    CHECK_OK(wl_listener_accept(listener, &server, NULL));
    wl_addr mine;
    CHECK_OK(wl_socket_local_addr(wl_conn_fd(client), &mine));

    int fd = wl_conn_fd(server);
    int len = wl_tcp_saved_syn(fd, NULL, 0); /* asks for the length */
    CHECK(len >= 40);
    uint8_t syn[256];
    CHECK(wl_tcp_saved_syn(fd, syn, sizeof syn) == len);
    CHECK(syn[0] >> 4 == 4 && syn[9] == IPPROTO_TCP);
    size_t ihl = (size_t)(syn[0] & 0x0f) * 4;
    const uint8_t *tcp = syn + ihl;
    CHECK(((tcp[0] << 8) | tcp[1]) == wl_addr_port(&mine));
    CHECK(((tcp[2] << 8) | tcp[3]) == wl_addr_port(&addr));
    CHECK((tcp[13] & 0x12) == 0x02); /* SYN, not ACK */
    CHECK(ihl + (size_t)(tcp[12] >> 4) * 4 == (size_t)len);
    CHECK(wl_tcp_saved_syn(fd, syn, sizeof syn) == 0); /* handed out once */
    CHECK_ERR(wl_tcp_saved_syn(fd, NULL, 4), EINVAL);
    CHECK_ERR(wl_tcp_saved_syn(-1, syn, sizeof syn), EBADF);
    wl_conn_free(client);
    wl_conn_free(server);
    wl_listener_free(listener);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK(fputs(text, f) >= 0);
    CHECK(fclose(f) == 0);
}

/* In the forked child: root of fresh user + network namespaces, lo up. */
static void enter_namespaces(void) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    CHECK(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0);
    char map[64];
    snprintf(map, sizeof map, "0 %ld 1", (long)uid);
    write_file("/proc/self/uid_map", map);
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %ld 1", (long)gid);
    write_file("/proc/self/gid_map", map);
    CHECK(system("ip link set lo up") == 0);
}

static void nft(const char *ruleset) {
    FILE *p = popen("nft -f -", "w");
    CHECK(p != NULL);
    CHECK(fputs(ruleset, p) >= 0);
    int status = pclose(p);
    if (status != 0) {
        fprintf(stderr, "nft rejected:\n%s\n(install nftables: scripts/ensure-tools.sh)\n", ruleset);
        exit(1);
    }
}

static void redirected_child(void) {
    enter_namespaces();
    wl_addr a4, a6;
    wl_listener *l4 = wl_listen_on("127.0.0.1:0", &a4);
    wl_listener *l6 = wl_listen_on("[::1]:0", &a6);
    char rules[512];
    snprintf(rules, sizeof rules,
             "table ip wl {\n chain out {\n  type nat hook output priority -100;\n"
             "  ip daddr 127.0.0.5 tcp dport 9999 redirect to :%d\n }\n}\n"
             "table ip6 wl {\n chain out {\n  type nat hook output priority -100;\n"
             "  tcp dport 9999 redirect to :%d\n }\n}\n",
             wl_addr_port(&a4), wl_addr_port(&a6));
    nft(rules);

    const char *dialled[2] = {"127.0.0.5:9999", "[::1]:9999"};
    wl_listener *listeners[2] = {l4, l6};
    for (int i = 0; i < 2; i++) {
        wl_addr to = wl_parse(dialled[i]), orig, local;
        wl_raw *raw = NULL;
        wl_conn *client = NULL, *server = NULL;
        CHECK_OK(wl_raw_new(wl_addr_family(&to), SOCK_STREAM, &raw));
        CHECK_OK(wl_raw_connect(raw, &to, &client));
        CHECK_OK(wl_listener_accept(listeners[i], &server, NULL));
        CHECK_OK(wl_socket_local_addr(wl_conn_fd(server), &local));
        CHECK(wl_addr_port(&local) != 9999); /* the rule redirected it */
        if (i == 0) {
            CHECK_OK(wl_original_dst_v4(wl_conn_fd(server), &orig));
            CHECK(wl_original_dst_v6(wl_conn_fd(server), &orig) < 0); /* not an IPv6 socket */
        } else {
            CHECK_OK(wl_original_dst_v6(wl_conn_fd(server), &orig));
        }
        char text[WL_ADDR_STRLEN];
        CHECK_OK(wl_addr_format(&orig, text, sizeof text));
        if (strcmp(text, dialled[i]) != 0) {
            fprintf(stderr, "original destination %s, dialled %s\n", text, dialled[i]);
            exit(1);
        }
        CHECK_ERR(wl_original_dst_v4(wl_conn_fd(server), NULL), EINVAL);
        wl_conn_free(client);
        wl_conn_free(server);
    }
    wl_listener_free(l4);
    wl_listener_free(l6);
}

/* Runs `child` in a forked process (which makes its own namespaces) and
 * checks it exited 0. */
static void in_child(void (*child)(void)) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        child();
        exit(0);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void original_dst_behind_a_redirect_in_a_namespace(void) {
    in_child(redirected_child);
}

static void send_v6_from(const char *text, const uint8_t group[16], uint16_t port, unsigned ifindex) {
    wl_dgram *tx = udp_on(text);
    CHECK_OK(wl_set_multicast_if_v6(wl_dgram_fd(tx), ifindex));
    wl_addr to;
    CHECK_OK(wl_addr_ipv6(group, port, 0, 0, &to));
    CHECK_OK(wl_dgram_send_to(tx, text, strlen(text), &to, 0));
    wl_dgram_free(tx);
}

/* IPv6 multicast is not looped back on lo: a veth end loops our own
 * multicast back to local members. */
static void ssm_v6_child(void) {
    enter_namespaces();
    CHECK(system("ip link add wl0 type veth peer name wl1 && ip link set wl0 up && ip link set wl1 up"
                 " && ip -6 addr add fd00::1/64 dev wl0 nodad && ip -6 addr add fd00::2/64 dev wl0 nodad") == 0);
    unsigned ifindex = if_nametoindex("wl0");
    CHECK(ifindex != 0);
    uint8_t group[16] = {0xff, 0x3e, [15] = 0x17}, allowed[16] = {0xfd, [15] = 1};
    wl_dgram *rx = udp_on("[::]:0");
    int fd = wl_dgram_fd(rx);
    wl_addr at;
    CHECK_OK(wl_socket_local_addr(fd, &at));
    uint16_t port = (uint16_t)wl_addr_port(&at);
    CHECK_OK(wl_join_ssm_v6(fd, group, allowed, ifindex));
    CHECK_OK(wl_socket_set_read_timeout(fd, 300));
    send_v6_from("[fd00::2]:0", group, port, ifindex);
    send_v6_from("[fd00::1]:0", group, port, ifindex);
    char buf[32];
    ssize_t n = wl_dgram_recv_from(rx, buf, sizeof buf, NULL, 0);
    CHECK(n == (ssize_t)strlen("[fd00::1]:0") && memcmp(buf, "[fd00::1]:0", (size_t)n) == 0);
    CHECK_ERR(wl_dgram_recv_from(rx, buf, sizeof buf, NULL, 0), EAGAIN);
    CHECK_OK(wl_leave_ssm_v6(fd, group, allowed, ifindex));
    send_v6_from("[fd00::1]:0", group, port, ifindex);
    CHECK_ERR(wl_dgram_recv_from(rx, buf, sizeof buf, NULL, 0), EAGAIN);
    CHECK_ERR(wl_leave_ssm_v6(fd, group, NULL, ifindex), EINVAL);
    wl_dgram_free(rx);
}

static void ipv6_source_filtered_member_in_a_namespace(void) {
    in_child(ssm_v6_child);
}

int main(void) {
    wl_test_start(30);
    RUN(multicast_if_v4_by_address_and_index);
    RUN(a_source_filtered_member_hears_only_its_source);
    RUN(the_saved_syn_is_the_clients_tcp_syn);
    RUN(original_dst_behind_a_redirect_in_a_namespace);
    RUN(ipv6_source_filtered_member_in_a_namespace);
    return wl_test_end("test_proxy_opts");
}
