/* Raw IP sockets: raw -> bound -> connected, payloads sent and received
 * on the loopback of user + network namespaces the test creates
 * (netns.h: root there, so CAP_NET_RAW over that namespace only), IPv4
 * receives carrying the IP header, IPv6 ones not; without the capability
 * (a user namespace over the host's network namespace) the kernel's
 * refusal comes with the reason; fd/into_fd/from_fd; argument checks. */
#define _GNU_SOURCE
#include "netns.h"

#include <netinet/in.h>
#include <netinet/ip.h>

/* An IP protocol number reserved for experiments (RFC 3692): nothing
 * else on loopback uses it. */
#define TEST_PROTO 253

static int make_raw4(void) {
    wl_rawip_raw *raw = NULL;
    int rc = wl_rawip_raw_new(AF_INET, TEST_PROTO, 0, &raw);
    return rc < 0 ? rc : wl_rawip_raw_into_fd(raw);
}

static int make_raw6(void) {
    wl_rawip_raw *raw = NULL;
    int rc = wl_rawip_raw_new(AF_INET6, TEST_PROTO, 0, &raw);
    return rc < 0 ? rc : wl_rawip_raw_into_fd(raw);
}

static wl_rawip_raw *rawip(int domain) {
    int fd = wl_in_namespaces(WL_NS_USER_AND_NET, domain == AF_INET ? make_raw4 : make_raw6);
    CHECK_OK(fd);
    wl_rawip_raw *raw = NULL;
    CHECK_OK(wl_rawip_raw_from_fd(fd, &raw));
    CHECK(wl_rawip_raw_fd(raw) == fd);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    int proto = 0;
    socklen_t pl = sizeof proto;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &pl) == 0 && proto == TEST_PROTO);
    return raw;
}

static void bound_ipv4_sees_its_packet_with_the_ip_header(void) {
    wl_rawip_raw *raw = rawip(AF_INET);
    wl_rawip *s = NULL;
    wl_addr lo = wl_parse("127.0.0.1:0"), from;
    CHECK_OK(wl_rawip_raw_bind(raw, &lo, &s));
    CHECK_OK(wl_socket_set_read_timeout(wl_rawip_fd(s), 5000));
    CHECK(wl_rawip_send_to(s, "raw payload", 11, &lo, 0) == 11);
    unsigned char buf[128];
    ssize_t n = wl_rawip_recv_from(s, buf, sizeof buf, &from, 0);
    CHECK_OK(n);
    size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
    CHECK((buf[0] >> 4) == 4 && buf[9] == TEST_PROTO);
    CHECK((size_t)n == ihl + 11 && memcmp(buf + ihl, "raw payload", 11) == 0);
    char text[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&from, text, sizeof text));
    CHECK(strcmp(text, "127.0.0.1:0") == 0);
    /* Truncated like any datagram; MSG_TRUNC tells the real length. */
    CHECK(wl_rawip_send_to(s, "0123456789", 10, &lo, 0) == 10);
    CHECK(wl_rawip_recv_from(s, buf, 4, NULL, MSG_TRUNC) == (ssize_t)(ihl + 10));
    wl_addr v6 = wl_parse("[::1]:0");
    CHECK_ERR(wl_rawip_send_to(s, "x", 1, &v6, 0), EAFNOSUPPORT);
    CHECK_ERR(wl_rawip_send_to(s, "x", 1, NULL, 0), EINVAL);
    CHECK_ERR(wl_rawip_recv_from(NULL, buf, 1, NULL, 0), EINVAL);
    wl_rawip_conn *c = NULL;
    CHECK_ERR(wl_rawip_connect(s, &v6, &c), EAFNOSUPPORT);
    CHECK_OK(wl_rawip_connect(s, &lo, &c));
    CHECK(wl_rawip_conn_send(c, "again", 5, 0) == 5);
    n = wl_rawip_conn_recv(c, buf, sizeof buf, 0);
    CHECK((size_t)n == ihl + 5 && memcmp(buf + ihl, "again", 5) == 0);
    wl_rawip_conn_free(c);
}

static void connected_ipv6_gets_the_payload_only(void) {
    wl_rawip_raw *raw = rawip(AF_INET6);
    wl_rawip_conn *c = NULL;
    wl_addr lo = wl_parse("[::1]:0");
    CHECK_OK(wl_rawip_raw_connect(raw, &lo, &c));
    CHECK_OK(wl_socket_set_read_timeout(wl_rawip_conn_fd(c), 5000));
    CHECK(wl_rawip_conn_send(c, "six", 3, 0) == 3);
    char buf[64];
    CHECK(wl_rawip_conn_recv(c, buf, sizeof buf, 0) == 3 && memcmp(buf, "six", 3) == 0);
    CHECK_ERR(wl_rawip_conn_recv(c, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_ERR(wl_rawip_conn_send(NULL, "x", 1, 0), EINVAL);
    wl_rawip_conn_free(c);
}

static void fds_and_argument_checks(void) {
    wl_rawip_raw *raw = rawip(AF_INET), *raw2 = NULL;
    wl_rawip *b = NULL, *b2 = NULL;
    wl_rawip_conn *c = NULL, *c2 = NULL;
    wl_addr lo = wl_parse("127.0.0.1:0");
    CHECK_ERR(wl_rawip_raw_bind(raw, NULL, &b), EINVAL);
    CHECK_ERR(wl_rawip_raw_connect(raw, &lo, NULL), EINVAL);
    int fd = wl_rawip_raw_into_fd(raw);
    CHECK_OK(wl_rawip_raw_from_fd(fd, &raw2));
    CHECK_OK(wl_rawip_raw_bind(raw2, &lo, &b));
    fd = wl_rawip_into_fd(b);
    CHECK_OK(wl_rawip_from_fd(fd, &b2));
    CHECK(wl_rawip_fd(b2) == fd);
    CHECK_OK(wl_rawip_connect(b2, &lo, &c));
    fd = wl_rawip_conn_into_fd(c);
    /* A raw socket is not UDP, nor an ICMP echo socket. */
    wl_dgram_conn *udp = NULL;
    wl_icmp_conn *icmp = NULL;
    CHECK_ERR(wl_dgram_conn_from_fd(fd, &udp), EPROTOTYPE);
    CHECK_ERR(wl_icmp_conn_from_fd(fd, &icmp), EPROTOTYPE);
    CHECK_OK(wl_rawip_conn_from_fd(fd, &c2));
    CHECK(wl_rawip_conn_fd(c2) == fd);
    wl_rawip_conn_free(c2);

    CHECK_ERR(wl_rawip_raw_new(AF_UNIX, TEST_PROTO, 0, &raw), EAFNOSUPPORT);
    CHECK_ERR(wl_rawip_raw_new(AF_INET, 256, 0, &raw), EINVAL);
    CHECK_MSG("protocol numbers are 1 to 255");
    CHECK_ERR(wl_rawip_raw_new(AF_INET, -1, 0, &raw), EINVAL);
    CHECK_ERR(wl_rawip_raw_new(AF_INET, TEST_PROTO, 0, NULL), EINVAL);
    CHECK_ERR(wl_rawip_raw_from_fd(-1, &raw), EBADF);
    CHECK_ERR(wl_rawip_from_fd(-1, &b), EBADF);
    CHECK_ERR(wl_rawip_into_fd(NULL), EINVAL);
    wl_rawip_raw_free(NULL);
    wl_rawip_free(NULL);
    wl_rawip_conn_free(NULL);
}

static int make_protocol_zero(void) {
    wl_rawip_raw *raw = NULL;
    return wl_rawip_raw_new(AF_INET, 0, 0, &raw);
}

static int make_without_cap_net_raw(void) {
    wl_rawip_raw *raw = NULL;
    int rc = wl_rawip_raw_new(AF_INET, TEST_PROTO, 0, &raw);
    if (rc == 0) {
        wl_rawip_raw_free(raw);
        return 0;
    }
    char m[512];
    wl_last_error_message(m, sizeof m);
    return strstr(m, "CAP_NET_RAW") != NULL ? rc : -ENOMSG;
}

static void refusals_name_the_reason(void) {
    CHECK(wl_in_namespaces(WL_NS_USER_AND_NET, make_protocol_zero) == -EPROTONOSUPPORT);
    /* Root of a user namespace only: the host's network namespace refuses. */
    CHECK(wl_in_namespaces(WL_NS_USER_ONLY, make_without_cap_net_raw) == -EPERM);
}

int main(void) {
    wl_test_start(60);
    RUN(bound_ipv4_sees_its_packet_with_the_ip_header);
    RUN(connected_ipv6_gets_the_payload_only);
    RUN(fds_and_argument_checks);
    RUN(refusals_name_the_reason);
    return wl_test_end("test_rawip");
}
