/* ICMP echo sockets: raw -> bound (ping anyone) -> connected (ping one
 * host), echo requests and typed replies on loopback, truncation reported,
 * the identifier, fd/into_fd/from_fd, argument checks. The sockets are
 * made inside user + network namespaces the test creates (netns.h), where
 * net.ipv4.ping_group_range admits us; on the host outside it the kernel
 * refuses, which is tested too. */
#define _GNU_SOURCE
#include "netns.h"

static int make_icmp4(void) {
    wl_icmp_raw *raw = NULL;
    int rc = wl_icmp_raw_new(AF_INET, 0, &raw);
    return rc < 0 ? rc : wl_icmp_raw_into_fd(raw);
}

static int make_icmp6(void) {
    wl_icmp_raw *raw = NULL;
    int rc = wl_icmp_raw_new(AF_INET6, 0, &raw);
    return rc < 0 ? rc : wl_icmp_raw_into_fd(raw);
}

/* A fresh ICMP echo socket of the namespace, adopted as a handle. */
static wl_icmp_raw *icmp_raw(int domain) {
    int fd = wl_in_namespaces(WL_NS_USER_AND_NET, domain == AF_INET ? make_icmp4 : make_icmp6);
    CHECK_OK(fd);
    wl_icmp_raw *raw = NULL;
    CHECK_OK(wl_icmp_raw_from_fd(fd, &raw));
    CHECK(wl_icmp_raw_fd(raw) == fd);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    return raw;
}

static void ping_connected(int domain, const char *host) {
    wl_icmp_raw *raw = icmp_raw(domain);
    wl_icmp_conn *c = NULL;
    wl_addr to = wl_parse(host);
    CHECK_OK(wl_icmp_raw_connect(raw, &to, &c));
    CHECK_OK(wl_socket_set_read_timeout(wl_icmp_conn_fd(c), 5000));
    CHECK_OK(wl_icmp_conn_send_echo(c, 7, "ping payload", 12));
    char buf[64];
    wl_echo_reply reply;
    memset(&reply, 0, sizeof reply);
    CHECK(wl_icmp_conn_recv_echo(c, buf, sizeof buf, &reply) == 12);
    CHECK(reply.seq == 7 && reply.len == 12 && memcmp(buf, "ping payload", 12) == 0);
    int ident = wl_icmp_conn_ident(c);
    CHECK_OK(ident);
    CHECK(reply.ident == ident);

    /* A reply longer than the buffer: -EMSGSIZE, the first bytes kept. */
    CHECK_OK(wl_icmp_conn_send_echo(c, 8, "a longer payload", 16));
    char small[4];
    CHECK_ERR(wl_icmp_conn_recv_echo(c, small, sizeof small, &reply), EMSGSIZE);
    CHECK_MSG("message truncated");
    CHECK(memcmp(small, "a lo", 4) == 0 && reply.seq == 7); /* *reply untouched on failure */
    /* Nothing more is queued. */
    CHECK_ERR(wl_icmp_conn_recv_echo(c, buf, sizeof buf, NULL), EAGAIN);
    wl_icmp_conn_free(c);
}

static void ping_connected_ipv4(void) { ping_connected(AF_INET, "127.0.0.1:0"); }
static void ping_connected_ipv6(void) { ping_connected(AF_INET6, "[::1]:0"); }

static void ping_bound_then_connect(void) {
    wl_icmp_raw *raw = icmp_raw(AF_INET);
    wl_icmp *b = NULL;
    wl_addr any = wl_parse("0.0.0.0:4242"), lo = wl_parse("127.0.0.1:0"), from;
    CHECK_OK(wl_icmp_raw_bind(raw, &any, &b));
    CHECK(wl_icmp_ident(b) == 4242); /* the bound "port" is the identifier */
    CHECK_OK(wl_socket_set_read_timeout(wl_icmp_fd(b), 5000));
    CHECK_OK(wl_icmp_send_echo_to(b, &lo, 1, "hello", 5));
    char buf[32];
    wl_echo_reply reply;
    CHECK(wl_icmp_recv_echo_from(b, buf, sizeof buf, &reply, &from) == 5);
    CHECK(reply.ident == 4242 && reply.seq == 1 && memcmp(buf, "hello", 5) == 0);
    char text[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&from, text, sizeof text));
    CHECK(strncmp(text, "127.0.0.1:", 10) == 0);
    /* Outputs are optional; an empty payload is fine. */
    CHECK_OK(wl_icmp_send_echo_to(b, &lo, 2, NULL, 0));
    CHECK(wl_icmp_recv_echo_from(b, NULL, 0, NULL, NULL) == 0);
    /* The wrong family is refused, the handle still usable. */
    wl_addr v6 = wl_parse("[::1]:0");
    CHECK_ERR(wl_icmp_send_echo_to(b, &v6, 3, "x", 1), EAFNOSUPPORT);
    CHECK_ERR(wl_icmp_send_echo_to(b, NULL, 3, "x", 1), EINVAL);
    wl_icmp_conn *c = NULL;
    CHECK_ERR(wl_icmp_connect(b, &v6, &c), EAFNOSUPPORT);
    CHECK_OK(wl_icmp_connect(b, &lo, &c));
    CHECK(wl_icmp_conn_ident(c) == 4242);
    wl_icmp_conn_free(c);
}

static void fds_and_argument_checks(void) {
    wl_icmp_raw *raw = icmp_raw(AF_INET), *raw2 = NULL;
    wl_icmp *b = NULL, *b2 = NULL;
    wl_icmp_conn *c = NULL, *c2 = NULL;
    wl_addr any = wl_parse("0.0.0.0:0"), lo = wl_parse("127.0.0.1:0");
    CHECK_ERR(wl_icmp_raw_bind(raw, NULL, &b), EINVAL);
    CHECK_ERR(wl_icmp_raw_bind(raw, &any, NULL), EINVAL);
    int fd = wl_icmp_raw_into_fd(raw);
    CHECK_OK(wl_icmp_raw_from_fd(fd, &raw2));
    CHECK_OK(wl_icmp_raw_bind(raw2, &any, &b));
    fd = wl_icmp_into_fd(b);
    /* A bound ICMP socket is neither a fresh one nor UDP. */
    CHECK_ERR(wl_icmp_raw_from_fd(fd, &raw), EINVAL);
    wl_dgram *udp = NULL;
    CHECK_ERR(wl_dgram_from_fd(fd, &udp), EPROTONOSUPPORT);
    CHECK(wl_fd_is_open(fd));
    CHECK_OK(wl_icmp_from_fd(fd, &b2));
    CHECK(wl_icmp_fd(b2) == fd);
    CHECK_OK(wl_icmp_connect(b2, &lo, &c));
    fd = wl_icmp_conn_into_fd(c);
    CHECK_OK(wl_icmp_conn_from_fd(fd, &c2));
    CHECK(wl_icmp_conn_fd(c2) == fd);
    wl_icmp_conn_free(c2);

    /* A UDP socket is not an ICMP one. */
    wl_raw *r = NULL;
    wl_dgram *d = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &r));
    CHECK_OK(wl_raw_bind_dgram(r, &any, &d));
    fd = wl_dgram_into_fd(d);
    CHECK_ERR(wl_icmp_from_fd(fd, &b), EPROTONOSUPPORT);
    CHECK_ERR(wl_icmp_conn_from_fd(fd, &c), EPROTONOSUPPORT);
    close(fd);

    CHECK_ERR(wl_icmp_raw_new(AF_UNIX, 0, &raw), EAFNOSUPPORT);
    CHECK_MSG("AF_INET and AF_INET6 only");
    CHECK_ERR(wl_icmp_raw_new(AF_INET, 0, NULL), EINVAL);
    CHECK_ERR(wl_icmp_ident(NULL), EINVAL);
    CHECK_ERR(wl_icmp_conn_send_echo(NULL, 1, "x", 1), EINVAL);
    CHECK_ERR(wl_icmp_raw_from_fd(-1, &raw), EBADF);
    CHECK_ERR(wl_icmp_into_fd(NULL), EINVAL);
    wl_icmp_raw_free(NULL);
    wl_icmp_free(NULL);
    wl_icmp_conn_free(NULL);
}

static int make_icmp_outside_range(void) {
    /* A user namespace only: the host's network namespace, whose
     * ping_group_range does not include the namespace's group. */
    wl_icmp_raw *raw = NULL;
    int rc = wl_icmp_raw_new(AF_INET, 0, &raw);
    if (rc == 0) {
        wl_icmp_raw_free(raw);
        return 0;
    }
    char m[512];
    wl_last_error_message(m, sizeof m);
    return strstr(m, "ping_group_range") != NULL ? rc : -ENOMSG;
}

static void outside_ping_group_range_is_refused_with_the_reason(void) {
    char range[64] = {0};
    int fd = open("/proc/sys/net/ipv4/ping_group_range", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0 && read(fd, range, sizeof range - 1) > 0);
    close(fd);
    long low = 0, high = 0;
    CHECK(sscanf(range, "%ld %ld", &low, &high) == 2);
    int rc = wl_in_namespaces(WL_NS_USER_ONLY, make_icmp_outside_range);
    /* The user namespace maps our gid to 0; the host range may admit it. */
    if (low <= (long)getgid() && (long)getgid() <= high) {
        CHECK(rc == 0);
    } else {
        CHECK(rc == -EACCES);
    }
}

int main(void) {
    wl_test_start(60);
    RUN(ping_connected_ipv4);
    RUN(ping_connected_ipv6);
    RUN(ping_bound_then_connect);
    RUN(fds_and_argument_checks);
    RUN(outside_ping_group_range_is_refused_with_the_reason);
    return wl_test_end("test_icmp");
}
