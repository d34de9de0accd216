/* Event-loop readiness (issue 15): handles non-blocking from birth
 * (WL_NONBLOCK for wl_raw_open, wl_listener_accept_flags, the pair
 * constructors and the builders' nonblocking field), close-on-exec always,
 * unknown flags refused with a message, and what each call does on
 * -EAGAIN: nothing moved, the handle as it was. */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int is_nonblocking(int fd) {
    int fl = fcntl(fd, F_GETFL);
    CHECK(fl != -1);
    return (fl & O_NONBLOCK) != 0;
}

static int is_cloexec(int fd) {
    int fl = fcntl(fd, F_GETFD);
    CHECK(fl != -1);
    return (fl & FD_CLOEXEC) != 0;
}

static void raw_open_sets_the_mode_at_birth(void) {
    const int domains[] = {AF_INET, AF_INET6, AF_UNIX};
    const int types[] = {SOCK_STREAM, SOCK_DGRAM};
    for (size_t d = 0; d < 3; d++) {
        for (size_t t = 0; t < 2; t++) {
            wl_raw *nb = NULL, *bl = NULL;
            CHECK_OK(wl_raw_open(domains[d], types[t], 0, WL_NONBLOCK, &nb));
            CHECK_OK(wl_raw_open(domains[d], types[t], 0, 0, &bl));
            CHECK(is_nonblocking(wl_raw_fd(nb)) && is_cloexec(wl_raw_fd(nb)));
            CHECK(!is_nonblocking(wl_raw_fd(bl)) && is_cloexec(wl_raw_fd(bl)));
            CHECK(wl_raw_type(nb) == types[t]);
            CHECK(wl_domain_of(wl_raw_fd(nb)) == domains[d]);
            wl_raw_free(nb);
            wl_raw_free(bl);
        }
    }
}

static int protocol_of(int fd) {
    int p = -1;
    socklen_t len = sizeof p;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &p, &len) == 0);
    return p;
}

static void raw_open_takes_the_supported_protocols(void) {
    wl_raw *s = NULL;
    CHECK_OK(wl_raw_open(AF_INET6, SOCK_STREAM, IPPROTO_TCP, WL_NONBLOCK, &s));
    CHECK(protocol_of(wl_raw_fd(s)) == IPPROTO_TCP);
    wl_raw_free(s);
    CHECK_OK(wl_raw_open(AF_INET, SOCK_DGRAM, IPPROTO_UDP, 0, &s));
    CHECK(protocol_of(wl_raw_fd(s)) == IPPROTO_UDP);
    wl_raw_free(s);

    /* MPTCP: the host has it (net.mptcp.enabled = 1, as tests/kinds.rs
     * requires too); test_mptcp.c covers the refusal where it is off. */
    s = NULL;
    CHECK_OK(wl_raw_open(AF_INET, SOCK_STREAM, IPPROTO_MPTCP, WL_NONBLOCK, &s));
    CHECK(protocol_of(wl_raw_fd(s)) == IPPROTO_MPTCP);
    CHECK(is_nonblocking(wl_raw_fd(s)));
    wl_raw_free(s);

    /* Protocols the kind does not carry: refused, naming what is accepted. */
    s = NULL;
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_STREAM, IPPROTO_UDP, 0, &s), EPROTONOSUPPORT);
    CHECK_MSG("IPPROTO_MPTCP");
    CHECK_ERR(wl_raw_open(AF_INET6, SOCK_DGRAM, IPPROTO_TCP, 0, &s), EPROTONOSUPPORT);
    CHECK_MSG("IPPROTO_UDP");
    CHECK_ERR(wl_raw_open(AF_UNIX, SOCK_STREAM, IPPROTO_TCP, 0, &s), EPROTONOSUPPORT);
    CHECK_MSG("Unix");
    CHECK(s == NULL);
}

static void raw_open_refuses_bad_arguments(void) {
    wl_raw *s = NULL;
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_STREAM, 0, 0x6, &s), EINVAL);
    CHECK_MSG("unknown flag bits 0x6");
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_STREAM, 0, WL_NONBLOCK | 0x80000000u, &s), EINVAL);
    CHECK_MSG("0x80000000");
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, 0, &s), EPROTOTYPE);
    CHECK_MSG("WL_NONBLOCK");
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, &s), EPROTOTYPE);
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_RAW, 0, 0, &s), EPROTOTYPE);
    CHECK_ERR(wl_raw_open(AF_PACKET, SOCK_DGRAM, 0, 0, &s), EAFNOSUPPORT);
    CHECK_ERR(wl_raw_open(AF_INET, SOCK_STREAM, 0, 0, NULL), EINVAL);
    CHECK(s == NULL);
}

/* A non-blocking listener from wl_raw_open: accept says -EAGAIN until a
 * client is queued; the accepted socket's mode follows the flags. */
static void accept_flags_on_a_nonblocking_listener(void) {
    const char *addrs[] = {"127.0.0.1:0", "[::1]:0", NULL};
    char path[128];
    wl_unique_path(path, sizeof path);
    addrs[2] = path;
    for (size_t i = 0; i < 3; i++) {
        wl_addr want = wl_parse(addrs[i]), addr;
        wl_raw *raw = NULL;
        wl_bound *bound = NULL;
        wl_listener *l = NULL;
        CHECK_OK(wl_raw_open(wl_addr_family(&want), SOCK_STREAM, 0, WL_NONBLOCK, &raw));
        CHECK_OK(wl_raw_bind(raw, &want, &bound));
        CHECK_OK(wl_bound_listen(bound, 8, &l));
        CHECK(is_nonblocking(wl_listener_fd(l)));
        CHECK_OK(wl_socket_local_addr(wl_listener_fd(l), &addr));

        wl_conn *c = (wl_conn *)&want; /* must stay untouched */
        wl_addr peer;
        memset(&peer, 0xab, sizeof peer);
        wl_addr before = peer;
        CHECK_ERR(wl_listener_accept_flags(l, WL_NONBLOCK, &c, &peer), EAGAIN);
        CHECK(c == (wl_conn *)&want && memcmp(&peer, &before, sizeof peer) == 0);
        CHECK(wl_is_transient(-EAGAIN) == 1);
        CHECK_ERR(wl_listener_accept(l, &c, NULL), EAGAIN);

        /* Two clients, connected without waiting. */
        wl_pending *p1 = NULL, *p2 = NULL;
        wl_raw *r1 = NULL, *r2 = NULL;
        CHECK_OK(wl_raw_open(wl_addr_family(&addr), SOCK_STREAM, 0, WL_NONBLOCK, &r1));
        CHECK_OK(wl_raw_open(wl_addr_family(&addr), SOCK_STREAM, 0, WL_NONBLOCK, &r2));
        CHECK_OK(wl_raw_connect_nonblocking(r1, &addr, &p1));
        CHECK_OK(wl_raw_connect_nonblocking(r2, &addr, &p2));
        CHECK(wl_wait(wl_listener_fd(l), WL_READABLE, 5000) & WL_READABLE);

        wl_conn *s1 = NULL, *s2 = NULL;
        CHECK_OK(wl_listener_accept_flags(l, WL_NONBLOCK, &s1, &peer));
        CHECK(wl_addr_family(&peer) == wl_addr_family(&addr));
        CHECK(is_nonblocking(wl_conn_fd(s1)) && is_cloexec(wl_conn_fd(s1)));
        CHECK(wl_wait(wl_listener_fd(l), WL_READABLE, 5000) & WL_READABLE);
        CHECK_OK(wl_listener_accept_flags(l, 0, &s2, NULL));
        CHECK(!is_nonblocking(wl_conn_fd(s2)) && is_cloexec(wl_conn_fd(s2)));
        CHECK_ERR(wl_listener_accept_flags(l, WL_NONBLOCK, &c, NULL), EAGAIN);
        CHECK_ERR(wl_listener_accept_flags(l, 2, &c, NULL), EINVAL);
        CHECK_MSG("unknown flag bits 0x2");
        CHECK_ERR(wl_listener_accept_flags(NULL, 0, &c, NULL), EINVAL);
        CHECK_ERR(wl_listener_accept_flags(l, 0, NULL, NULL), EINVAL);

        wl_conn *c1 = NULL, *c2 = NULL;
        CHECK(wl_pending_wait(p1, 5000) == 1 && wl_pending_wait(p2, 5000) == 1);
        CHECK_OK(wl_pending_finish(p1, &c1));
        CHECK_OK(wl_pending_finish(p2, &c2));
        CHECK(is_nonblocking(wl_conn_fd(c1)));
        wl_conn_free(c1);
        wl_conn_free(c2);
        wl_conn_free(s1);
        wl_conn_free(s2);
        wl_listener_free(l);
    }
    unlink(path);
}

/* A full send buffer: -EAGAIN means nothing of that call was queued, so
 * the bytes counted as sent are exactly the bytes the peer reads. */
static void send_eagain_queues_nothing(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair_flags(WL_NONBLOCK, &a, &b));
    CHECK(is_nonblocking(wl_conn_fd(a)) && is_nonblocking(wl_conn_fd(b)));
    CHECK(is_cloexec(wl_conn_fd(a)) && is_cloexec(wl_conn_fd(b)));
    unsigned char chunk[4096];
    size_t sent = 0;
    for (;;) {
        for (size_t i = 0; i < sizeof chunk; i++) {
            chunk[i] = (unsigned char)((sent + i) * 7);
        }
        ssize_t n = wl_conn_send(a, chunk, sizeof chunk, 0);
        if (n == -EAGAIN) {
            break;
        }
        CHECK(n > 0);
        sent += (size_t)n;
        CHECK(sent < (64u << 20));
    }
    /* The gather form says the same (or queues a little, if the reader
     * side freed room meanwhile: counted). */
    struct iovec iov = {chunk, sizeof chunk};
    ssize_t v = wl_conn_send_vectored(a, &iov, 1);
    CHECK(v == -EAGAIN || v > 0);
    sent += v > 0 ? (size_t)v : 0;
    CHECK_OK(wl_conn_shutdown(a, SHUT_WR));

    size_t got = 0;
    unsigned char buf[8192];
    for (;;) {
        ssize_t n = wl_conn_recv(b, buf, sizeof buf, 0);
        if (n == -EAGAIN) {
            CHECK(wl_wait(wl_conn_fd(b), WL_READABLE, 5000) & WL_READABLE);
            continue;
        }
        CHECK(n >= 0);
        if (n == 0) {
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            CHECK(buf[i] == (unsigned char)((got + (size_t)i) * 7));
        }
        got += (size_t)n;
    }
    CHECK(got == sent);
    wl_conn_free(a);
    wl_conn_free(b);
}

static void recv_eagain_on_every_nonblocking_state(void) {
    unsigned char buf[64];
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair_flags(WL_NONBLOCK, &a, &b));
    CHECK_ERR(wl_conn_recv(a, buf, sizeof buf, 0), EAGAIN);
    struct iovec iov = {buf, sizeof buf};
    CHECK_ERR(wl_conn_recv_vectored(a, &iov, 1), EAGAIN);
    CHECK(wl_conn_send(b, "x", 1, 0) == 1);
    CHECK(wl_wait(wl_conn_fd(a), WL_READABLE, 5000) & WL_READABLE);
    CHECK(wl_conn_recv(a, buf, sizeof buf, 0) == 1 && buf[0] == 'x');
    wl_conn_free(a);
    wl_conn_free(b);

    CHECK_OK(wl_conn_pair_flags(0, &a, &b));
    CHECK(!is_nonblocking(wl_conn_fd(a)) && !is_nonblocking(wl_conn_fd(b)));
    /* Blocking, but with a read timeout: the same -EAGAIN. */
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(a), 20));
    CHECK_ERR(wl_conn_recv(a, buf, sizeof buf, 0), EAGAIN);
    CHECK_ERR(wl_conn_pair_flags(4, &a, &b), EINVAL);
    CHECK_MSG("unknown flag bits 0x4");
    CHECK_ERR(wl_conn_pair_flags(0, NULL, &b), EINVAL);
    wl_conn_free(a);
    wl_conn_free(b);

    wl_dgram_conn *x = NULL, *y = NULL;
    CHECK_OK(wl_dgram_conn_pair_flags(WL_NONBLOCK, &x, &y));
    CHECK(is_nonblocking(wl_dgram_conn_fd(x)) && is_cloexec(wl_dgram_conn_fd(y)));
    CHECK_ERR(wl_dgram_conn_recv(x, buf, sizeof buf, 0), EAGAIN);
    wl_recv_batch *batch = NULL;
    CHECK_OK(wl_recv_batch_new(AF_UNIX, 4, 64, &batch));
    CHECK_ERR(wl_dgram_conn_recv_batch(x, batch, 0), EAGAIN);
    CHECK(wl_recv_batch_len(batch) == 0);
    /* A full queue: -EAGAIN sends nothing; every datagram counted arrives. */
    int sent = 0;
    while (wl_dgram_conn_send(y, "d", 1, 0) == 1) {
        sent++;
        CHECK(sent < 1000000);
    }
    CHECK_ERR(wl_dgram_conn_send(y, "d", 1, 0), EAGAIN);
    int got = 0;
    while (wl_dgram_conn_recv(x, buf, sizeof buf, 0) == 1) {
        got++;
    }
    CHECK(got == sent);
    CHECK_ERR(wl_dgram_conn_pair_flags(8, &x, &y), EINVAL);
    CHECK_MSG("WL_NONBLOCK");
    CHECK_ERR(wl_dgram_conn_pair_flags(0, &x, NULL), EINVAL);
    wl_recv_batch_free(batch);
    wl_dgram_conn_free(x);
    wl_dgram_conn_free(y);

    CHECK_OK(wl_dgram_conn_pair_flags(0, &x, &y));
    CHECK(!is_nonblocking(wl_dgram_conn_fd(x)));
    wl_dgram_conn_free(x);
    wl_dgram_conn_free(y);

    /* A bound UDP socket from wl_raw_open: recv_from -EAGAIN leaves *from. */
    wl_raw *raw = NULL;
    wl_dgram *d = NULL;
    wl_addr any = wl_parse("127.0.0.1:0");
    CHECK_OK(wl_raw_open(AF_INET, SOCK_DGRAM, 0, WL_NONBLOCK, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &any, &d));
    wl_addr from;
    memset(&from, 0x5a, sizeof from);
    wl_addr before = from;
    CHECK_ERR(wl_dgram_recv_from(d, buf, sizeof buf, &from, 0), EAGAIN);
    CHECK(memcmp(&from, &before, sizeof from) == 0);
    CHECK_OK(wl_recv_batch_new(AF_INET, 4, 64, &batch));
    CHECK_ERR(wl_dgram_recv_batch(d, batch, 0), EAGAIN);
    wl_recv_batch_free(batch);
    wl_dgram_free(d);
}

/* A Unix connect never waits in the kernel's handshake: with the
 * listener's queue full, a non-blocking connect says -EAGAIN, starts
 * nothing, and hands the fresh wl_raw back in its former mode. */
static void unix_connect_eagain_on_a_full_queue(void) {
    char path[128];
    wl_unique_path(path, sizeof path);
    wl_addr want = wl_parse(path);
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    wl_listener *l = NULL;
    CHECK_OK(wl_raw_new(AF_UNIX, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_bind(raw, &want, &bound));
    CHECK_OK(wl_bound_listen(bound, 1, &l));

    enum { MAX = 16 };
    wl_pending *queued[MAX] = {0};
    int n = 0, rc = 0;
    wl_raw *r = NULL;
    while (n < MAX) {
        CHECK_OK(wl_raw_open(AF_UNIX, SOCK_STREAM, 0, 0, &r));
        rc = wl_raw_connect_nonblocking(r, &want, &queued[n]);
        if (rc < 0) {
            break;
        }
        n++;
    }
    CHECK(n >= 1 && n < MAX);
    CHECK_ERR(rc, EAGAIN);
    CHECK(!is_nonblocking(wl_raw_fd(r))); /* its blocking mode restored */
    wl_conn *c = NULL;
    CHECK_ERR(wl_raw_connect_nonblocking(r, &want, &queued[n]), EAGAIN);
    wl_raw_free(r);

    /* Born non-blocking: wl_raw_connect gives the same -EAGAIN at once. */
    CHECK_OK(wl_raw_open(AF_UNIX, SOCK_STREAM, 0, WL_NONBLOCK, &r));
    CHECK_ERR(wl_raw_connect(r, &want, &c), EAGAIN);
    CHECK(is_nonblocking(wl_raw_fd(r)));
    wl_raw_free(r);
    for (int i = 0; i < n; i++) {
        wl_pending_free(queued[i]);
    }
    wl_listener_free(l);
    unlink(path);
}

/* The builders' nonblocking field gives handles non-blocking from birth. */
static void builders_make_nonblocking_handles(void) {
    wl_listener_config lc = {0};
    lc.nonblocking = true;
    wl_addr want = wl_parse("127.0.0.1:0"), addr;
    wl_listener *l = NULL;
    CHECK_OK(wl_listener_build(&lc, &want, &l));
    CHECK(is_nonblocking(wl_listener_fd(l)) && is_cloexec(wl_listener_fd(l)));
    wl_conn *c = NULL;
    CHECK_ERR(wl_listener_accept_flags(l, WL_NONBLOCK, &c, NULL), EAGAIN);
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(l), &addr));
    wl_listener_free(l);

    wl_datagram_config dc = {0};
    dc.nonblocking = true;
    wl_dgram *d = NULL;
    CHECK_OK(wl_datagram_bind(&dc, &want, &d));
    CHECK(is_nonblocking(wl_dgram_fd(d)));
    unsigned char buf[8];
    CHECK_ERR(wl_dgram_recv_from(d, buf, sizeof buf, NULL, 0), EAGAIN);
    wl_dgram_free(d);

    /* Zero-initialized configs stay blocking, as before. */
    wl_listener_config zero = {0};
    CHECK_OK(wl_listener_build(&zero, &want, &l));
    CHECK(!is_nonblocking(wl_listener_fd(l)));
    wl_listener_free(l);
}

int main(void) {
    wl_test_start(60);
    RUN(raw_open_sets_the_mode_at_birth);
    RUN(raw_open_takes_the_supported_protocols);
    RUN(raw_open_refuses_bad_arguments);
    RUN(accept_flags_on_a_nonblocking_listener);
    RUN(send_eagain_queues_nothing);
    RUN(recv_eagain_on_every_nonblocking_state);
    RUN(unix_connect_eagain_on_a_full_queue);
    RUN(builders_make_nonblocking_handles);
    return wl_test_end("test_nonblock");
}
