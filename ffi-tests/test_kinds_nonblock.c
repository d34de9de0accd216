/* The other socket kinds in event loops (issue 15): SEQPACKET, ICMP echo
 * and raw IP handles non-blocking from birth (WL_NONBLOCK given to the
 * creation call: O_NONBLOCK and FD_CLOEXEC set by socket(2) itself,
 * checked with fcntl), a seqpacket accept that makes its connection
 * non-blocking (wl_seqpacket_listener_accept_flags), -EAGAIN that keeps
 * everything (buffers untouched, the raw socket still owned, the pending
 * connection still queued), unknown flag bits refused, and the seqpacket
 * listener's wake (wl_seqpacket_listener_shutdown) for a thread blocked
 * in accept. ICMP and raw IP sockets are made inside user + network
 * namespaces the test creates (netns.h). Each blocking wait is bounded
 * (timeouts, alarm). */
#define _GNU_SOURCE
#include "blocked_thread.h"
#include "netns.h"

static int is_nonblocking(int fd) {
    int fl = fcntl(fd, F_GETFL);
    CHECK(fl >= 0);
    return (fl & O_NONBLOCK) != 0;
}

static int is_cloexec(int fd) {
    int fl = fcntl(fd, F_GETFD);
    CHECK(fl >= 0);
    return (fl & FD_CLOEXEC) != 0;
}

/* A seqpacket listener on a fresh path; `flags` for its raw socket. */
static wl_seqpacket_listener *listen_on(unsigned flags, unsigned backlog, char *path, size_t len, wl_addr *addr) {
    wl_unique_path(path, len);
    CHECK_OK(wl_addr_unix(path, addr));
    wl_seqpacket_raw *raw = NULL;
    wl_seqpacket_bound *bound = NULL;
    wl_seqpacket_listener *l = NULL;
    CHECK_OK(wl_seqpacket_raw_new(flags, &raw));
    CHECK_OK(wl_seqpacket_raw_bind(raw, addr, &bound));
    CHECK_OK(wl_seqpacket_bound_listen(bound, backlog, &l));
    return l;
}

static wl_seqpacket *connect_to(const wl_addr *addr, unsigned flags) {
    wl_seqpacket_raw *raw = NULL;
    wl_seqpacket *c = NULL;
    CHECK_OK(wl_seqpacket_raw_new(flags, &raw));
    CHECK_OK(wl_seqpacket_raw_connect(raw, addr, &c));
    return c;
}

static void seqpacket_created_nonblocking_from_birth(void) {
    wl_seqpacket_raw *raw = NULL;
    CHECK_OK(wl_seqpacket_raw_new(WL_NONBLOCK, &raw));
    CHECK(is_nonblocking(wl_seqpacket_raw_fd(raw)) && is_cloexec(wl_seqpacket_raw_fd(raw)));
    wl_seqpacket_raw_free(raw);
    CHECK_OK(wl_seqpacket_raw_new(0, &raw));
    CHECK(!is_nonblocking(wl_seqpacket_raw_fd(raw)) && is_cloexec(wl_seqpacket_raw_fd(raw)));
    wl_seqpacket_raw_free(raw);

    /* The mode survives the transitions: listener and connection. */
    char path[108];
    wl_addr addr;
    wl_seqpacket_listener *l = listen_on(WL_NONBLOCK, 4, path, sizeof path, &addr);
    CHECK(is_nonblocking(wl_seqpacket_listener_fd(l)) && is_cloexec(wl_seqpacket_listener_fd(l)));
    wl_seqpacket *c = connect_to(&addr, WL_NONBLOCK);
    CHECK(is_nonblocking(wl_seqpacket_fd(c)) && is_cloexec(wl_seqpacket_fd(c)));
    wl_seqpacket_free(c);
    wl_seqpacket_listener_free(l);
    unlink(path);

    /* Pairs too. */
    wl_seqpacket *a = NULL, *b = NULL;
    CHECK_OK(wl_seqpacket_pair_flags(WL_NONBLOCK, &a, &b));
    CHECK(is_nonblocking(wl_seqpacket_fd(a)) && is_nonblocking(wl_seqpacket_fd(b)));
    CHECK(is_cloexec(wl_seqpacket_fd(a)) && is_cloexec(wl_seqpacket_fd(b)));
    wl_seqpacket_free(a);
    wl_seqpacket_free(b);
    CHECK_OK(wl_seqpacket_pair_flags(0, &a, &b));
    CHECK(!is_nonblocking(wl_seqpacket_fd(a)) && !is_nonblocking(wl_seqpacket_fd(b)));
    wl_seqpacket_free(a);
    wl_seqpacket_free(b);
}

static void unknown_flag_bits_are_refused(void) {
    wl_seqpacket_raw *sentinel = (wl_seqpacket_raw *)&sentinel, *raw = sentinel;
    CHECK_ERR(wl_seqpacket_raw_new(2, &raw), EINVAL);
    CHECK_MSG("unknown flag bits 0x2");
    CHECK(raw == sentinel); /* *out untouched */
    CHECK_ERR(wl_seqpacket_raw_new(WL_NONBLOCK | 0x80000000u, &raw), EINVAL);
    CHECK_MSG("WL_NONBLOCK");
    /* The flags are checked before any socket exists (no namespace needed). */
    wl_icmp_raw *icmp = NULL;
    CHECK_ERR(wl_icmp_raw_new(AF_INET, 4, &icmp), EINVAL);
    CHECK_MSG("unknown flag bits 0x4");
    CHECK(icmp == NULL);
    wl_rawip_raw *rawip = NULL;
    CHECK_ERR(wl_rawip_raw_new(AF_INET, 253, 8, &rawip), EINVAL);
    CHECK_MSG("unknown flag bits 0x8");
    CHECK(rawip == NULL);
    wl_seqpacket *a = NULL, *b = NULL;
    CHECK_ERR(wl_seqpacket_pair_flags(16, &a, &b), EINVAL);
    CHECK(a == NULL && b == NULL);

    /* accept_flags: refused before accepting; the client stays queued. */
    char path[108];
    wl_addr addr;
    wl_seqpacket_listener *l = listen_on(0, 4, path, sizeof path, &addr);
    wl_seqpacket *client = connect_to(&addr, 0);
    wl_seqpacket *server = NULL;
    CHECK_ERR(wl_seqpacket_listener_accept_flags(l, 2, &server, NULL), EINVAL);
    CHECK_MSG("unknown flag bits");
    CHECK(server == NULL);
    CHECK_OK(wl_seqpacket_listener_accept_flags(l, 0, &server, NULL));
    wl_seqpacket_free(server);
    wl_seqpacket_free(client);
    wl_seqpacket_listener_free(l);
    unlink(path);
}

/* -EAGAIN on an empty non-blocking seqpacket: nothing consumed, the
 * buffer and *msg_len untouched; readiness then the message. */
static void seqpacket_recv_would_block_keeps_the_buffer(void) {
    wl_seqpacket *a = NULL, *b = NULL;
    CHECK_OK(wl_seqpacket_pair_flags(WL_NONBLOCK, &a, &b));
    unsigned char buf[32];
    memset(buf, 0xAB, sizeof buf);
    size_t whole = 12345;
    CHECK_ERR(wl_seqpacket_recv(b, buf, sizeof buf, 0, &whole), EAGAIN);
    CHECK(whole == 12345);
    for (size_t i = 0; i < sizeof buf; i++) {
        CHECK(buf[i] == 0xAB);
    }
    CHECK_ERR(wl_seqpacket_next_len(b), EAGAIN);
    CHECK(wl_wait(wl_seqpacket_fd(b), WL_READABLE, 0) == 0);
    CHECK(wl_seqpacket_send(a, "hello", 5, 0) == 5);
    CHECK(wl_wait(wl_seqpacket_fd(b), WL_READABLE, 5000) & WL_READABLE);
    CHECK(wl_seqpacket_recv(b, buf, sizeof buf, 0, &whole) == 5 && whole == 5);
    CHECK(memcmp(buf, "hello", 5) == 0 && buf[5] == 0xAB);

    /* MSG_DONTWAIT on a blocking pair does the same. */
    wl_seqpacket *c = NULL, *d = NULL;
    CHECK_OK(wl_seqpacket_pair_flags(0, &c, &d));
    CHECK_ERR(wl_seqpacket_recv(d, buf, sizeof buf, MSG_DONTWAIT, NULL), EAGAIN);

    /* Sends go whole or not at all: fill the send buffer until -EAGAIN,
     * then every message sent arrives whole, and nothing else. */
    char msg[1024];
    memset(msg, 'm', sizeof msg);
    int sent = 0;
    ssize_t rc = 0;
    while ((rc = wl_seqpacket_send(a, msg, sizeof msg, 0)) == (ssize_t)sizeof msg) {
        sent++;
        CHECK(sent < 100000);
    }
    CHECK(rc == -EAGAIN && sent > 0);
    CHECK(wl_wait(wl_seqpacket_fd(a), WL_WRITABLE, 0) == 0);
    char in[2048];
    int received = 0;
    while ((rc = wl_seqpacket_recv(b, in, sizeof in, 0, NULL)) == (ssize_t)sizeof msg) {
        received++;
    }
    CHECK(rc == -EAGAIN && received == sent);
    CHECK(wl_wait(wl_seqpacket_fd(a), WL_WRITABLE, 5000) & WL_WRITABLE);

    wl_seqpacket_free(a);
    wl_seqpacket_free(b);
    wl_seqpacket_free(c);
    wl_seqpacket_free(d);
}

static void seqpacket_accept_flags(void) {
    char path[108];
    wl_addr addr;
    wl_seqpacket_listener *l = listen_on(WL_NONBLOCK, 4, path, sizeof path, &addr);
    wl_seqpacket *sentinel = (wl_seqpacket *)&sentinel, *out = sentinel;
    wl_addr peer;
    memset(&peer, 0x5A, sizeof peer);
    /* Nothing queued on a non-blocking listener: -EAGAIN, outputs untouched. */
    CHECK_ERR(wl_seqpacket_listener_accept_flags(l, WL_NONBLOCK, &out, &peer), EAGAIN);
    CHECK(out == sentinel && ((unsigned char *)&peer)[0] == 0x5A);
    CHECK_ERR(wl_seqpacket_listener_accept(l, &out, NULL), EAGAIN);
    CHECK(out == sentinel);
    CHECK(wl_wait(wl_seqpacket_listener_fd(l), WL_READABLE, 0) == 0);

    /* A pending client: the accepted socket is O_NONBLOCK | FD_CLOEXEC. */
    wl_seqpacket *c1 = connect_to(&addr, 0);
    wl_seqpacket *c2 = connect_to(&addr, 0);
    CHECK(wl_wait(wl_seqpacket_listener_fd(l), WL_READABLE, 5000) & WL_READABLE);
    CHECK_OK(wl_seqpacket_listener_accept_flags(l, WL_NONBLOCK, &out, &peer));
    CHECK(wl_addr_family(&peer) == AF_UNIX);
    CHECK(is_nonblocking(wl_seqpacket_fd(out)) && is_cloexec(wl_seqpacket_fd(out)));
    char buf[8];
    CHECK_ERR(wl_seqpacket_recv(out, buf, sizeof buf, 0, NULL), EAGAIN);
    CHECK(wl_seqpacket_send(c1, "hi", 2, 0) == 2);
    CHECK(wl_wait(wl_seqpacket_fd(out), WL_READABLE, 5000) & WL_READABLE);
    CHECK(wl_seqpacket_recv(out, buf, sizeof buf, 0, NULL) == 2);
    wl_seqpacket_free(out);
    /* flags 0: blocking, still close-on-exec, whatever the listener's mode. */
    CHECK_OK(wl_seqpacket_listener_accept_flags(l, 0, &out, NULL));
    CHECK(!is_nonblocking(wl_seqpacket_fd(out)) && is_cloexec(wl_seqpacket_fd(out)));
    wl_seqpacket_free(out);
    /* Drained again. */
    out = NULL;
    CHECK_ERR(wl_seqpacket_listener_accept_flags(l, WL_NONBLOCK, &out, NULL), EAGAIN);
    CHECK(out == NULL);
    CHECK_ERR(wl_seqpacket_listener_accept_flags(NULL, 0, &out, NULL), EINVAL);
    CHECK_ERR(wl_seqpacket_listener_accept_flags(l, 0, NULL, NULL), EINVAL);

    wl_seqpacket_free(c1);
    wl_seqpacket_free(c2);
    wl_seqpacket_listener_free(l);
    unlink(path);
}

/* A non-blocking connect to a listener whose queue is full: -EAGAIN at
 * once, the raw socket still the caller's; it connects once room is made. */
static void seqpacket_connect_to_a_full_backlog(void) {
    char path[108];
    wl_addr addr;
    wl_seqpacket_listener *l = listen_on(0, 1, path, sizeof path, &addr);
    wl_seqpacket *clients[16] = {0};
    int n = 0;
    wl_seqpacket_raw *raw = NULL;
    wl_seqpacket *c = NULL;
    int rc = 0;
    for (;;) {
        CHECK(n < 16);
        CHECK_OK(wl_seqpacket_raw_new(WL_NONBLOCK, &raw));
        rc = wl_seqpacket_raw_connect(raw, &addr, &c);
        if (rc != 0) {
            break;
        }
        clients[n++] = c;
        c = NULL;
    }
    CHECK(rc == -EAGAIN && n >= 1 && c == NULL);
    /* Still a fresh raw socket: make room, and the same handle connects. */
    CHECK(wl_seqpacket_raw_fd(raw) >= 0);
    wl_seqpacket *server = NULL;
    CHECK_OK(wl_seqpacket_listener_accept(l, &server, NULL));
    CHECK_OK(wl_seqpacket_raw_connect(raw, &addr, &c));
    wl_seqpacket_free(c);
    wl_seqpacket_free(server);
    for (int i = 0; i < n; i++) {
        wl_seqpacket_free(clients[i]);
    }
    wl_seqpacket_listener_free(l);
    unlink(path);
}

/* --- wakes ---------------------------------------------------------------- */

static void *accept_body(void *arg) {
    blocked *b = arg;
    wl_seqpacket *c = NULL;
    announce(b);
    record(b, wl_seqpacket_listener_accept(b->handle, &c, NULL));
    wl_seqpacket_free(c);
    return NULL;
}

static void *accept_flags_body(void *arg) {
    blocked *b = arg;
    wl_seqpacket *c = NULL;
    announce(b);
    record(b, wl_seqpacket_listener_accept_flags(b->handle, WL_NONBLOCK, &c, NULL));
    wl_seqpacket_free(c);
    return NULL;
}

static void *recv_body(void *arg) {
    blocked *b = arg;
    char buf[16];
    announce(b);
    record(b, wl_seqpacket_recv(b->handle, buf, sizeof buf, 0, NULL));
    return NULL;
}

static void seqpacket_listener_shutdown_wakes_blocked_accepts(void) {
    char path[108];
    wl_addr addr;
    wl_seqpacket_listener *l = listen_on(0, 4, path, sizeof path, &addr);
    blocked one = {.handle = l}, two = {.handle = l};
    start(&one, accept_body);
    start(&two, accept_flags_body);
    CHECK_OK(wl_seqpacket_listener_shutdown(l));
    join_within(&one, 10);
    join_within(&two, 10);
    CHECK(one.result == -EINVAL && two.result == -EINVAL);
    CHECK(strstr(one.message, "wl_seqpacket_listener_accept") != NULL);
    CHECK(strstr(one.message, "shut down") != NULL && strstr(two.message, "shut down") != NULL);

    /* A later blocking accept fails at once; a second shutdown is fine;
     * the descriptor polls readable and read-hung-up; clients are refused. */
    wl_seqpacket *c = NULL;
    CHECK_ERR(wl_seqpacket_listener_accept_flags(l, 0, &c, NULL), EINVAL);
    CHECK_MSG("shut down");
    CHECK_OK(wl_seqpacket_listener_shutdown(l));
    int ready = wl_wait(wl_seqpacket_listener_fd(l), WL_READABLE | WL_READ_HANGUP, 0);
    CHECK((ready & WL_READABLE) && (ready & WL_READ_HANGUP));
    wl_seqpacket_raw *raw = NULL;
    CHECK_OK(wl_seqpacket_raw_new(0, &raw));
    CHECK_ERR(wl_seqpacket_raw_connect(raw, &addr, &c), ECONNREFUSED);
    wl_seqpacket_raw_free(raw);
    /* A non-blocking listener's accept still says -EAGAIN (as documented). */
    CHECK_OK(wl_socket_set_nonblocking(wl_seqpacket_listener_fd(l), true));
    CHECK_ERR(wl_seqpacket_listener_accept(l, &c, NULL), EAGAIN);
    wl_seqpacket_listener_free(l);
    unlink(path);
    CHECK_ERR(wl_seqpacket_listener_shutdown(NULL), EINVAL);

    /* Connections queued before the shutdown may still be accepted. */
    l = listen_on(0, 4, path, sizeof path, &addr);
    wl_seqpacket *client = connect_to(&addr, 0);
    CHECK_OK(wl_seqpacket_listener_shutdown(l));
    CHECK_OK(wl_seqpacket_listener_accept(l, &c, NULL));
    wl_seqpacket_free(c);
    wl_seqpacket_free(client);
    wl_seqpacket_listener_free(l);
    unlink(path);
}

static void seqpacket_shutdown_wakes_blocked_recv(void) {
    wl_seqpacket *a = NULL, *b = NULL;
    CHECK_OK(wl_seqpacket_pair_flags(0, &a, &b));
    blocked r = {.handle = b};
    start(&r, recv_body);
    CHECK_OK(wl_seqpacket_shutdown(b, SHUT_RD));
    join_within(&r, 10);
    CHECK(r.result == 0);
    wl_seqpacket_free(a);
    wl_seqpacket_free(b);
}

/* --- ICMP echo and raw IP, made in namespaces ------------------------------- */

static int make_icmp4_nb(void) {
    wl_icmp_raw *raw = NULL;
    int rc = wl_icmp_raw_new(AF_INET, WL_NONBLOCK, &raw);
    return rc < 0 ? rc : wl_icmp_raw_into_fd(raw);
}

static int make_icmp6_nb(void) {
    wl_icmp_raw *raw = NULL;
    int rc = wl_icmp_raw_new(AF_INET6, WL_NONBLOCK, &raw);
    return rc < 0 ? rc : wl_icmp_raw_into_fd(raw);
}

static int make_icmp4_blocking(void) {
    wl_icmp_raw *raw = NULL;
    int rc = wl_icmp_raw_new(AF_INET, 0, &raw);
    return rc < 0 ? rc : wl_icmp_raw_into_fd(raw);
}

static int make_rawip4_nb(void) {
    wl_rawip_raw *raw = NULL;
    int rc = wl_rawip_raw_new(AF_INET, 253, WL_NONBLOCK, &raw);
    return rc < 0 ? rc : wl_rawip_raw_into_fd(raw);
}

static int make_rawip4_blocking(void) {
    wl_rawip_raw *raw = NULL;
    int rc = wl_rawip_raw_new(AF_INET, 253, 0, &raw);
    return rc < 0 ? rc : wl_rawip_raw_into_fd(raw);
}

static void icmp_created_nonblocking_from_birth(void) {
    int fd = wl_in_namespaces(WL_NS_USER_AND_NET, make_icmp4_blocking);
    CHECK_OK(fd);
    CHECK(!is_nonblocking(fd) && is_cloexec(fd));
    close(fd);

    const struct {
        int (*make)(void);
        const char *host;
    } cases[] = {{make_icmp4_nb, "127.0.0.1:0"}, {make_icmp6_nb, "[::1]:0"}};
    for (size_t i = 0; i < 2; i++) {
        fd = wl_in_namespaces(WL_NS_USER_AND_NET, cases[i].make);
        CHECK_OK(fd);
        CHECK(is_nonblocking(fd) && is_cloexec(fd));
        wl_icmp_raw *raw = NULL;
        wl_icmp_conn *c = NULL;
        CHECK_OK(wl_icmp_raw_from_fd(fd, &raw));
        wl_addr to = wl_parse(cases[i].host);
        CHECK_OK(wl_icmp_raw_connect(raw, &to, &c)); /* never waits */
        CHECK(is_nonblocking(wl_icmp_conn_fd(c)));

        /* Nothing queued: -EAGAIN at once, outputs untouched. */
        unsigned char buf[32];
        memset(buf, 0xAB, sizeof buf);
        wl_echo_reply reply = {.ident = 1, .seq = 2, .len = 3};
        CHECK_ERR(wl_icmp_conn_recv_echo(c, buf, sizeof buf, &reply), EAGAIN);
        CHECK(buf[0] == 0xAB && reply.ident == 1 && reply.seq == 2 && reply.len == 3);
        /* A request, readiness, the reply. */
        CHECK_OK(wl_icmp_conn_send_echo(c, 9, "nb", 2));
        CHECK(wl_wait(wl_icmp_conn_fd(c), WL_READABLE, 5000) & WL_READABLE);
        CHECK(wl_icmp_conn_recv_echo(c, buf, sizeof buf, &reply) == 2);
        CHECK(reply.seq == 9 && memcmp(buf, "nb", 2) == 0);
        CHECK_ERR(wl_icmp_conn_recv_echo(c, buf, sizeof buf, &reply), EAGAIN);
        wl_icmp_conn_free(c);
    }

    /* A bound non-blocking socket: recv_echo_from says -EAGAIN too. */
    fd = wl_in_namespaces(WL_NS_USER_AND_NET, make_icmp4_nb);
    CHECK_OK(fd);
    wl_icmp_raw *raw = NULL;
    wl_icmp *b = NULL;
    CHECK_OK(wl_icmp_raw_from_fd(fd, &raw));
    wl_addr any = wl_parse("0.0.0.0:0"), from;
    memset(&from, 0x5A, sizeof from);
    CHECK_OK(wl_icmp_raw_bind(raw, &any, &b));
    char buf[16];
    CHECK_ERR(wl_icmp_recv_echo_from(b, buf, sizeof buf, NULL, &from), EAGAIN);
    CHECK(((unsigned char *)&from)[0] == 0x5A);
    wl_icmp_free(b);
}

static void rawip_created_nonblocking_from_birth(void) {
    int fd = wl_in_namespaces(WL_NS_USER_AND_NET, make_rawip4_blocking);
    CHECK_OK(fd);
    CHECK(!is_nonblocking(fd) && is_cloexec(fd));
    close(fd);

    fd = wl_in_namespaces(WL_NS_USER_AND_NET, make_rawip4_nb);
    CHECK_OK(fd);
    CHECK(is_nonblocking(fd) && is_cloexec(fd));
    wl_rawip_raw *raw = NULL;
    wl_rawip *b = NULL;
    CHECK_OK(wl_rawip_raw_from_fd(fd, &raw));
    wl_addr lo = wl_parse("127.0.0.1:0");
    CHECK_OK(wl_rawip_raw_bind(raw, &lo, &b));
    unsigned char buf[128];
    memset(buf, 0xAB, sizeof buf);
    CHECK_ERR(wl_rawip_recv_from(b, buf, sizeof buf, NULL, 0), EAGAIN);
    CHECK(buf[0] == 0xAB);
    CHECK(wl_rawip_send_to(b, "raw", 3, &lo, 0) == 3);
    CHECK(wl_wait(wl_rawip_fd(b), WL_READABLE, 5000) & WL_READABLE);
    CHECK(wl_rawip_recv_from(b, buf, sizeof buf, NULL, 0) == 20 + 3); /* IPv4 header + payload */
    CHECK(memcmp(buf + 20, "raw", 3) == 0);
    CHECK_ERR(wl_rawip_recv_from(b, buf, sizeof buf, NULL, 0), EAGAIN);
    wl_rawip_free(b);
}

int main(void) {
    wl_test_start(60);
    RUN(seqpacket_created_nonblocking_from_birth);
    RUN(unknown_flag_bits_are_refused);
    RUN(seqpacket_recv_would_block_keeps_the_buffer);
    RUN(seqpacket_accept_flags);
    RUN(seqpacket_connect_to_a_full_backlog);
    RUN(seqpacket_listener_shutdown_wakes_blocked_accepts);
    RUN(seqpacket_shutdown_wakes_blocked_recv);
    RUN(icmp_created_nonblocking_from_birth);
    RUN(rawip_created_nonblocking_from_birth);
    return wl_test_end("test_kinds_nonblock");
}
