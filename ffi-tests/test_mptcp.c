/* MPTCP streams (IPPROTO_MPTCP) through the C ABI: wl_raw_open with the
 * protocol, then the TCP states unchanged. Over IPv4 and IPv6 loopback an
 * MPTCP listener accepts an MPTCP client and checksummed data crosses both
 * ways, blocking and non-blocking from birth (wl_raw_connect_nonblocking ->
 * wl_pending -> wl_pending_finish, wl_listener_accept_flags); SO_PROTOCOL
 * says IPPROTO_MPTCP on the listener, the client and the accepted socket.
 * Where MPTCP is disabled (net.mptcp.enabled = 0, set inside user + network
 * namespaces the test creates, netns.h) the refusal is -ENOPROTOOPT with a
 * message naming the sysctl. The host must have MPTCP (net.mptcp.enabled = 1):
 * a refusal there fails the test, it is never skipped. */
#define _GNU_SOURCE
#include "netns.h"

#include <netinet/in.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#define CHUNK 4096
#define ROUNDS 64

static int protocol_of(int fd) {
    int32_t p = -1;
    CHECK_OK(wl_socket_protocol(fd, &p));
    return p;
}

static int is_nonblocking(int fd) {
    int fl = fcntl(fd, F_GETFL);
    CHECK(fl != -1);
    return (fl & O_NONBLOCK) != 0;
}

/* FNV-1a over a running byte stream. */
static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211ull;
    }
    return h;
}

#define FNV_START 14695981039346656037ull

/* Byte i of the stream a side sends (seed tells the directions apart). */
static void fill(unsigned char *buf, size_t n, size_t offset, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        size_t k = offset + i;
        buf[i] = (unsigned char)((k * 2654435761u) >> 13 ^ seed ^ (k >> 8));
    }
}

/* Sends all of buf, waiting for room when the socket is non-blocking. */
static void send_all(wl_conn *c, const unsigned char *buf, size_t n) {
    size_t off = 0;
    while (off < n) {
        ssize_t k = wl_conn_send(c, buf + off, n - off, 0);
        if (k == -EAGAIN) {
            CHECK(wl_wait(wl_conn_fd(c), WL_WRITABLE, 5000) & WL_WRITABLE);
            continue;
        }
        CHECK_OK(k);
        off += (size_t)k;
    }
}

/* Receives exactly n bytes, waiting for data when non-blocking. */
static void recv_exact(wl_conn *c, unsigned char *buf, size_t n) {
    size_t off = 0;
    while (off < n) {
        ssize_t k = wl_conn_recv(c, buf + off, n - off, 0);
        if (k == -EAGAIN) {
            CHECK(wl_wait(wl_conn_fd(c), WL_READABLE, 5000) & WL_READABLE);
            continue;
        }
        CHECK_OK(k);
        CHECK(k > 0); /* no early end of stream */
        off += (size_t)k;
    }
}

/* ROUNDS chunks each way, in lock step (so neither side's buffers fill),
 * the checksum of what each side sent equal to what the other received. */
static void exchange(wl_conn *client, wl_conn *server) {
    unsigned char out[CHUNK], in[CHUNK];
    uint64_t sent_up = FNV_START, got_up = FNV_START, sent_down = FNV_START, got_down = FNV_START;
    for (size_t r = 0; r < ROUNDS; r++) {
        fill(out, CHUNK, r * CHUNK, 0x5a);
        sent_up = fnv1a(sent_up, out, CHUNK);
        send_all(client, out, CHUNK);
        recv_exact(server, in, CHUNK);
        CHECK(memcmp(in, out, CHUNK) == 0);
        got_up = fnv1a(got_up, in, CHUNK);

        fill(out, CHUNK, r * CHUNK, 0xa5);
        sent_down = fnv1a(sent_down, out, CHUNK);
        send_all(server, out, CHUNK);
        recv_exact(client, in, CHUNK);
        got_down = fnv1a(got_down, in, CHUNK);
    }
    CHECK(sent_up == got_up && sent_down == got_down && sent_up != sent_down);
    /* End of stream crosses too. */
    CHECK_OK(wl_conn_shutdown(client, SHUT_WR));
    for (;;) {
        ssize_t k = wl_conn_recv(server, in, sizeof in, 0);
        if (k == -EAGAIN) {
            CHECK(wl_wait(wl_conn_fd(server), WL_READABLE, 5000) & WL_READABLE);
            continue;
        }
        CHECK(k == 0);
        break;
    }
}

/* An MPTCP listener on `text` (port 0), opened with `flags`. */
static wl_listener *mptcp_listener(const char *text, unsigned flags, wl_addr *addr) {
    wl_addr want = wl_parse(text);
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    wl_listener *l = NULL;
    CHECK_OK(wl_raw_open(wl_addr_family(&want), SOCK_STREAM, IPPROTO_MPTCP, flags, &raw));
    CHECK(protocol_of(wl_raw_fd(raw)) == IPPROTO_MPTCP);
    CHECK(wl_raw_type(raw) == SOCK_STREAM);
    CHECK_OK(wl_raw_bind(raw, &want, &bound));
    CHECK_OK(wl_bound_listen(bound, 8, &l));
    CHECK(protocol_of(wl_listener_fd(l)) == IPPROTO_MPTCP);
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(l), addr));
    return l;
}

static void blocking_connect_accept_echo(void) {
    const char *addrs[] = {"127.0.0.1:0", "[::1]:0"};
    for (size_t i = 0; i < 2; i++) {
        wl_addr addr, peer, local;
        wl_listener *l = mptcp_listener(addrs[i], 0, &addr);
        wl_raw *raw = NULL;
        wl_conn *client = NULL, *server = NULL;
        CHECK_OK(wl_raw_open(wl_addr_family(&addr), SOCK_STREAM, IPPROTO_MPTCP, 0, &raw));
        CHECK(protocol_of(wl_raw_fd(raw)) == IPPROTO_MPTCP);
        CHECK_OK(wl_raw_connect(raw, &addr, &client));
        CHECK_OK(wl_listener_accept(l, &server, &peer));
        CHECK(protocol_of(wl_conn_fd(client)) == IPPROTO_MPTCP);
        CHECK(protocol_of(wl_conn_fd(server)) == IPPROTO_MPTCP);
        /* The accepted connection's peer is the client's local address. */
        CHECK_OK(wl_socket_local_addr(wl_conn_fd(client), &local));
        char a[WL_ADDR_STRLEN], b[WL_ADDR_STRLEN];
        CHECK_OK(wl_addr_format(&peer, a, sizeof a));
        CHECK_OK(wl_addr_format(&local, b, sizeof b));
        CHECK(strcmp(a, b) == 0);
        CHECK(wl_addr_family(&peer) == wl_addr_family(&addr));
        CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(client), 5000));
        CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(server), 5000));
        exchange(client, server);
        wl_conn_free(client);
        wl_conn_free(server);
        wl_listener_free(l);
    }
}

static void nonblocking_connect_accept_echo(void) {
    const char *addrs[] = {"127.0.0.1:0", "[::1]:0"};
    for (size_t i = 0; i < 2; i++) {
        wl_addr addr;
        wl_listener *l = mptcp_listener(addrs[i], WL_NONBLOCK, &addr);
        CHECK(is_nonblocking(wl_listener_fd(l)));
        wl_conn *server = (wl_conn *)&addr; /* must stay untouched */
        CHECK_ERR(wl_listener_accept_flags(l, WL_NONBLOCK, &server, NULL), EAGAIN);
        CHECK(server == (wl_conn *)&addr);

        wl_raw *raw = NULL;
        wl_pending *pending = NULL;
        wl_conn *client = NULL;
        CHECK_OK(wl_raw_open(wl_addr_family(&addr), SOCK_STREAM, IPPROTO_MPTCP, WL_NONBLOCK, &raw));
        CHECK(is_nonblocking(wl_raw_fd(raw)));
        CHECK_OK(wl_raw_connect_nonblocking(raw, &addr, &pending));
        CHECK(protocol_of(wl_pending_fd(pending)) == IPPROTO_MPTCP);
        CHECK(wl_wait(wl_listener_fd(l), WL_READABLE, 5000) & WL_READABLE);
        CHECK_OK(wl_listener_accept_flags(l, WL_NONBLOCK, &server, NULL));
        CHECK(wl_pending_wait(pending, 5000) == 1);
        CHECK_OK(wl_pending_finish(pending, &client));
        CHECK(is_nonblocking(wl_conn_fd(client)) && is_nonblocking(wl_conn_fd(server)));
        CHECK(protocol_of(wl_conn_fd(client)) == IPPROTO_MPTCP);
        CHECK(protocol_of(wl_conn_fd(server)) == IPPROTO_MPTCP);
        unsigned char buf[8];
        CHECK_ERR(wl_conn_recv(server, buf, sizeof buf, 0), EAGAIN);
        exchange(client, server);
        wl_conn_free(client);
        wl_conn_free(server);
        wl_listener_free(l);
    }
}

/* Inside fresh namespaces: MPTCP off, then an MPTCP socket of `domain`.
 * Returns its errno if the message names the sysctl, -ENOMSG otherwise,
 * 0 if (wrongly) created. */
static int refused_when_disabled(int domain) {
    wl_ns_write("/proc/sys/net/mptcp/enabled", "0");
    wl_raw *raw = NULL;
    int rc = wl_raw_open(domain, SOCK_STREAM, IPPROTO_MPTCP, 0, &raw);
    if (rc == 0) {
        wl_raw_free(raw);
        return 0;
    }
    char m[512];
    wl_last_error_message(m, sizeof m);
    if (strstr(m, "net.mptcp.enabled") == NULL || strstr(m, "IPPROTO_TCP") == NULL || raw != NULL) {
        fprintf(stderr, "unclear refusal: %d \"%s\"\n", rc, m);
        return -ENOMSG;
    }
    /* Plain TCP still works there. */
    CHECK_OK(wl_raw_open(domain, SOCK_STREAM, IPPROTO_TCP, 0, &raw));
    wl_raw_free(raw);
    return rc;
}

static int refused_v4(void) {
    return refused_when_disabled(AF_INET);
}

static int refused_v6(void) {
    return refused_when_disabled(AF_INET6);
}

/* A fresh namespace has MPTCP on (the default): created there. */
static int created_in_namespace(void) {
    wl_raw *raw = NULL;
    int rc = wl_raw_open(AF_INET6, SOCK_STREAM, IPPROTO_MPTCP, 0, &raw);
    return rc < 0 ? rc : wl_raw_into_fd(raw);
}

static void disabled_mptcp_is_a_clear_error(void) {
    CHECK(wl_in_namespaces(WL_NS_USER_AND_NET, refused_v4) == -ENOPROTOOPT);
    CHECK(wl_in_namespaces(WL_NS_USER_AND_NET, refused_v6) == -ENOPROTOOPT);
    int fd = wl_in_namespaces(WL_NS_USER_AND_NET, created_in_namespace);
    CHECK_OK(fd);
    CHECK(protocol_of(fd) == IPPROTO_MPTCP);
    close(fd);
}

static void protocol_argument_checks(void) {
    wl_raw *raw = NULL;
    /* MPTCP is a stream protocol of the internet domains only. */
    CHECK_ERR(wl_raw_open(AF_UNIX, SOCK_STREAM, IPPROTO_MPTCP, 0, &raw), EPROTONOSUPPORT);
    CHECK_MSG("Unix");
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_DGRAM, IPPROTO_MPTCP, 0, &raw), EPROTONOSUPPORT);
    CHECK_MSG("IPPROTO_UDP");
    CHECK_ERR(wl_raw_open(AF_INET6, SOCK_STREAM, -IPPROTO_MPTCP, 0, &raw), EPROTONOSUPPORT);
    CHECK_MSG("IPPROTO_MPTCP");
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_STREAM, IPPROTO_MPTCP, 0x2, &raw), EINVAL);
    CHECK_MSG("unknown flag bits 0x2");
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_STREAM, IPPROTO_MPTCP, 0, NULL), EINVAL);
    CHECK(raw == NULL);
}

int main(void) {
    wl_test_start(60);
    RUN(blocking_connect_accept_echo);
    RUN(nonblocking_connect_accept_echo);
    RUN(disabled_mptcp_is_a_clear_error);
    RUN(protocol_argument_checks);
    return wl_test_end("test_mptcp");
}
