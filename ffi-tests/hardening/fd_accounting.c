/* Descriptor accounting through the C ABI: tens of thousands of
 * transitions, succeeding and failing (bind to a used port, connect
 * refused, finish on a failed pending connect and again after the error
 * was taken, finish before the handshake, invalid and wrong-family
 * addresses, builders that fail half way, adoption of the wrong kind of
 * descriptor, descriptors passed beyond what the receiver accepts), and
 * the process's open-descriptor count is the same before and after each
 * phase. Under valgrind (WL_UNDER_VALGRIND set) the rounds are fewer. */
#include "hardening.h"

static long transitions, failures;
static int rounds = 2000;

/* Counts one attempted transition; passes its return code through. */
static long T(long rc) {
    transitions++;
    if (rc < 0) {
        failures++;
    }
    return rc;
}

#define EXPECT(expr, code) CHECK_ERR(T(expr), code)
#define SUCCEED(expr) CHECK_OK(T(expr))

static wl_raw *raw(int domain, int type) {
    wl_raw *r = NULL;
    SUCCEED(wl_raw_new(domain, type, &r));
    return r;
}

static void phase(const char *name, void (*round)(void)) {
    long before_t = transitions;
    int before = wl_count_fds();
    for (int i = 0; i < rounds; i++) {
        round();
    }
    int after = wl_count_fds();
    if (after != before) {
        fprintf(stderr, "%s: %d descriptors leaked over %ld transitions\n", name, after - before,
                transitions - before_t);
        exit(1);
    }
    printf("phase %-32s %7ld transitions, descriptors unchanged\n", name, transitions - before_t);
}

/* ------------------------------------------------------------ fixtures */

static wl_listener *taken4, *full;
static wl_addr taken4_addr, taken_udp_addr, full_addr, closed4, closed6, nobody, missing_path, not_local, v6_any,
    v4_any, unnamed;
static wl_bound *refuser; /* holds closed4/closed6's port: bound, not listening */
static wl_dgram *taken_udp;
static wl_conn *full_queued;

static void fixtures(void) {
    taken4 = wl_listen_on("127.0.0.1:0", &taken4_addr);
    v6_any = wl_parse("[::1]:0");
    v4_any = wl_parse("127.0.0.1:0");
    /* A dual-stack socket bound but not listening refuses every connect
     * to its port on 127.0.0.1 and ::1, and keeps the port from being
     * handed out as an ephemeral one (a merely closed port could come
     * back as our own local port: TCP would connect to itself). */
    wl_raw *r = NULL;
    CHECK_OK(wl_raw_new(AF_INET6, SOCK_STREAM, &r));
    CHECK_OK(wl_set_only_v6(wl_raw_fd(r), false));
    wl_addr any6 = wl_parse("[::]:0");
    CHECK_OK(wl_raw_bind(r, &any6, &refuser));
    wl_addr where;
    CHECK_OK(wl_socket_local_addr(wl_bound_fd(refuser), &where));
    char text[64];
    snprintf(text, sizeof text, "127.0.0.1:%d", wl_addr_port(&where));
    closed4 = wl_parse(text);
    snprintf(text, sizeof text, "[::1]:%d", wl_addr_port(&where));
    closed6 = wl_parse(text);
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &r));
    CHECK_OK(wl_raw_bind_dgram(r, &v4_any, &taken_udp));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(taken_udp), &taken_udp_addr));
    char name[64];
    snprintf(name, sizeof name, "wl-hard-nobody-%ld", (long)getpid());
    CHECK_OK(wl_addr_unix_abstract((const uint8_t *)name, strlen(name), &nobody));
    snprintf(name, sizeof name, "/nonexistent-%ld/x.sock", (long)getpid());
    CHECK_OK(wl_addr_unix(name, &missing_path));
    not_local = wl_parse("192.0.2.1:0"); /* TEST-NET-1: never local */
    CHECK_OK(wl_addr_unix_abstract(NULL, 0, &unnamed));
    /* backlog 0 plus one queued connection: the accept queue is full and
     * further handshakes stay in flight. */
    wl_bound *fb = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r));
    CHECK_OK(wl_raw_bind(r, &v4_any, &fb));
    CHECK_OK(wl_bound_listen(fb, 0, &full));
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(full), &full_addr));
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r));
    CHECK_OK(wl_raw_connect(r, &full_addr, &full_queued));
    CHECK(wl_wait(wl_listener_fd(full), WL_READABLE, 5000) > 0);
}

static void release_fixtures(void) {
    wl_listener_free(taken4);
    wl_listener_free(full);
    wl_conn_free(full_queued);
    wl_bound_free(refuser);
    wl_dgram_free(taken_udp);
}

/* -------------------------------------------------------------- phases */

static void bind_failures(void) {
    wl_raw *r = raw(AF_INET, SOCK_STREAM);
    wl_bound *b = NULL;
    EXPECT(wl_raw_bind(r, &taken4_addr, &b), EADDRINUSE);
    EXPECT(wl_raw_bind(r, &not_local, &b), EADDRNOTAVAIL);
    EXPECT(wl_raw_bind(r, &v6_any, &b), EAFNOSUPPORT); /* wrong family */
    EXPECT(wl_raw_bind(r, &nobody, &b), EAFNOSUPPORT);
    wl_dgram *d = NULL;
    EXPECT(wl_raw_bind_dgram(r, &v4_any, &d), EPROTOTYPE); /* wrong type */
    SUCCEED(wl_raw_bind(r, &v4_any, &b));
    wl_bound_free(b);

    wl_raw *u = raw(AF_UNIX, SOCK_STREAM);
    EXPECT(wl_raw_bind(u, &missing_path, &b), ENOENT);
    wl_addr broken = unnamed;
    broken.len = 1; /* malformed: shorter than its family field */
    EXPECT(wl_raw_bind(u, &broken, &b), EINVAL);
    SUCCEED(wl_raw_bind(u, &unnamed, &b));
    wl_bound_free(b);

    wl_raw *dr = raw(AF_INET6, SOCK_DGRAM);
    wl_dgram *d6 = NULL;
    SUCCEED(wl_raw_bind_dgram(dr, &v6_any, &d6));
    wl_addr used;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(d6), &used));
    wl_raw *dr2 = raw(AF_INET6, SOCK_DGRAM);
    EXPECT(wl_raw_bind_dgram(dr2, &used, &d), EADDRINUSE);
    wl_raw_free(dr2); /* freed after a failure */
    wl_dgram_free(d6);
}

static void connect_failures(void) {
    wl_raw *r = raw(AF_INET, SOCK_STREAM);
    wl_conn *c = NULL;
    EXPECT(wl_raw_connect(r, &closed4, &c), ECONNREFUSED);
    EXPECT(wl_raw_connect(r, &closed4, &c), ECONNREFUSED); /* retried */
    wl_raw_free(r);
    r = raw(AF_INET6, SOCK_STREAM);
    EXPECT(wl_raw_connect(r, &closed6, &c), ECONNREFUSED);
    wl_raw_free(r);
    r = raw(AF_UNIX, SOCK_STREAM);
    EXPECT(wl_raw_connect(r, &nobody, &c), ECONNREFUSED);
    EXPECT(wl_raw_connect(r, &missing_path, &c), ENOENT);
    EXPECT(wl_raw_connect(r, &closed4, &c), EAFNOSUPPORT);
    wl_raw_free(r);

    /* Non-blocking: refused later, seen by finish; a second finish finds
     * the error taken (ENOTCONN). */
    wl_pending *p = NULL;
    r = raw(AF_INET, SOCK_STREAM);
    SUCCEED(wl_raw_connect_nonblocking(r, &closed4, &p));
    CHECK(wl_pending_wait(p, 5000) == 1);
    EXPECT(wl_pending_finish(p, &c), ECONNREFUSED);
    EXPECT(wl_pending_finish(p, &c), ENOTCONN);
    wl_pending_free(p);
    /* Unix: refused inside connect(2), the wl_raw stays the caller's. */
    r = raw(AF_UNIX, SOCK_STREAM);
    EXPECT(wl_raw_connect_nonblocking(r, &nobody, &p), ECONNREFUSED);
    wl_raw_free(r);

    /* Datagram connects that fail keep the bound socket. */
    wl_raw *dr = raw(AF_INET, SOCK_DGRAM);
    wl_dgram *d = NULL;
    wl_dgram_conn *dc = NULL;
    SUCCEED(wl_raw_bind_dgram(dr, &v4_any, &d));
    EXPECT(wl_dgram_connect(d, &v4_any, &dc), EINVAL); /* port 0 */
    EXPECT(wl_dgram_connect(d, &v6_any, &dc), EAFNOSUPPORT);
    wl_dgram_free(d);
}

static void pending_before_ready(void) {
    wl_raw *r = raw(AF_INET, SOCK_STREAM);
    wl_pending *p = NULL;
    wl_conn *c = NULL;
    SUCCEED(wl_raw_connect_nonblocking(r, &full_addr, &p));
    EXPECT(wl_pending_finish(p, &c), EAGAIN);
    int fd = wl_pending_into_fd(p); /* given up as a plain descriptor */
    CHECK(fd >= 0);
    close(fd);
}

static void builder_failures(void) {
    wl_listener *l = NULL;
    wl_conn *c = NULL;
    wl_dgram *d = NULL;
    wl_listener_config lc;
    memset(&lc, 0, sizeof lc);
    lc.backlog = 8;
    EXPECT(wl_listener_build(&lc, &taken4_addr, &l), EADDRINUSE);
    EXPECT(wl_connector_connect(NULL, &closed4, &c), ECONNREFUSED);
    wl_connector_config cc;
    memset(&cc, 0, sizeof cc);
    cc.local_addr = &taken4_addr; /* the bind inside the builder fails */
    EXPECT(wl_connector_connect(&cc, &closed4, &c), EADDRINUSE);
    cc.local_addr = &v4_any; /* the connect after the bind fails */
    cc.timeout_ms = 5000;
    EXPECT(wl_connector_connect(&cc, &closed4, &c), ECONNREFUSED);
    EXPECT(wl_datagram_bind(NULL, &taken_udp_addr, &d), EADDRINUSE);
    wl_dgram_conn *dc = NULL;
    EXPECT(wl_datagram_connect(NULL, &v4_any, &dc), EINVAL);
}

static void successes(void) {
    wl_addr addr;
    wl_listener *l = wl_listen_on("127.0.0.1:0", &addr);
    transitions += 3;
    wl_conn *c = NULL, *s = NULL, *clone = NULL;
    SUCCEED(wl_raw_connect(raw(AF_INET, SOCK_STREAM), &addr, &c));
    SUCCEED(wl_listener_accept(l, &s, NULL));
    SUCCEED(wl_conn_try_clone(s, &clone));
    CHECK(wl_conn_send(c, "ping", 4, 0) == 4);
    char buf[4];
    CHECK(wl_conn_recv(clone, buf, 4, MSG_WAITALL) == 4);
    wl_conn_free(c);
    wl_conn_free(s);
    wl_conn_free(clone);
    wl_pending *p = NULL;
    SUCCEED(wl_raw_connect_nonblocking(raw(AF_INET, SOCK_STREAM), &addr, &p));
    CHECK(wl_pending_wait(p, 5000) == 1);
    SUCCEED(wl_pending_finish(p, &c));
    SUCCEED(wl_listener_accept(l, &s, NULL));
    wl_conn_free(c);
    wl_conn_free(s);
    wl_listener_free(l);

    wl_conn *a = NULL, *b = NULL;
    SUCCEED(wl_conn_pair(&a, &b));
    wl_conn_free(a);
    wl_conn_free(b);
    wl_dgram_conn *x = NULL, *y = NULL;
    SUCCEED(wl_dgram_conn_pair(&x, &y));
    wl_dgram_conn_free(x);
    wl_dgram_conn_free(y);
    wl_dgram *d = NULL;
    wl_dgram_conn *dc = NULL;
    SUCCEED(wl_raw_bind_dgram(raw(AF_INET, SOCK_DGRAM), &v4_any, &d));
    SUCCEED(wl_dgram_connect(d, &taken4_addr, &dc));
    wl_dgram_conn_free(dc);
    SUCCEED(wl_raw_connect_dgram(raw(AF_INET6, SOCK_DGRAM), &closed6, &dc));
    int fd = wl_dgram_conn_into_fd(dc);
    CHECK(fd >= 0);
    close(fd);
}

static void adoption(void) {
    /* Wrong state, domain, type: refused, the descriptor stays the
     * caller's; right: adopted and closed with the handle. */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    wl_conn *c = NULL;
    wl_listener *l = NULL;
    wl_dgram *d = NULL;
    wl_raw *r = NULL;
    EXPECT(wl_conn_from_fd(fd, &c), EINVAL);
    EXPECT(wl_listener_from_fd(fd, &l), EINVAL);
    EXPECT(wl_dgram_from_fd(fd, &d), EPROTOTYPE);
    CHECK(wl_fd_is_open(fd));
    SUCCEED(wl_raw_from_fd(fd, &r));
    wl_raw_free(r);
    CHECK(!wl_fd_is_open(fd));
    int pipes[2];
    CHECK(pipe2(pipes, O_CLOEXEC) == 0);
    EXPECT(wl_raw_from_fd(pipes[0], &r), ENOTSOCK);
    close(pipes[0]);
    close(pipes[1]);
    EXPECT(wl_raw_from_fd(-1, &r), EBADF);
}

static wl_conn *fa, *fb;
static wl_dgram_conn *ga, *gb;

static void fd_passing(void) {
    int fds[16];
    for (int i = 0; i < 16; i++) {
        fds[i] = g_devnull;
    }
    int got[16];
    size_t n = 0;
    char buf[8];
    CHECK(T(wl_conn_send_fds(fa, "m", 1, fds, 16)) == 1);
    CHECK(T(wl_conn_recv_fds(fb, buf, sizeof buf, got, 16, &n)) == 1);
    CHECK(n == 16);
    for (size_t i = 0; i < n; i++) {
        close(got[i]);
    }
    /* More than the receiver takes: an error, and every one closed. */
    CHECK(T(wl_dgram_conn_send_fds(ga, "d", 1, fds, 9)) == 1);
    EXPECT(wl_dgram_conn_recv_fds(gb, buf, sizeof buf, got, 2, &n), EMSGSIZE);
    CHECK(T(wl_conn_send_fds(fa, "c", 1, fds, 3)) == 1);
    wl_ucred cred;
    bool has = true;
    CHECK(T(wl_conn_recv_with_credentials(fb, buf, sizeof buf, &cred, &has)) == 1);
}

int main(void) {
    wl_test_start(300);
    hard_setup();
    if (getenv("WL_UNDER_VALGRIND") != NULL) {
        rounds = 500;
    }
    fixtures();
    CHECK_OK(wl_conn_pair(&fa, &fb));
    CHECK_OK(wl_dgram_conn_pair(&ga, &gb));
    int start = wl_count_fds();
    phase("bind failures, then rebind", bind_failures);
    phase("connect failures", connect_failures);
    phase("finish before the handshake", pending_before_ready);
    phase("builder failures", builder_failures);
    phase("successful transitions", successes);
    phase("adoption of wrong descriptors", adoption);
    phase("fd passing with refusals", fd_passing);
    CHECK(wl_count_fds() == start);
    wl_conn_free(fa);
    wl_conn_free(fb);
    wl_dgram_conn_free(ga);
    wl_dgram_conn_free(gb);
    release_fixtures();
    hard_teardown();
    printf("fd accounting (C ABI): %ld transitions (%ld failing), 0 descriptors leaked\n", transitions,
           failures);
    wl_tests_passed = 7;
    return wl_test_end("fd_accounting");
}
