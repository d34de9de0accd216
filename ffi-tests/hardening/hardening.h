/*
 * hardening.h -- shared fixtures of the C hardening programs: fresh,
 * non-blocking handles of every kind (so no call in a matrix can block),
 * descriptor helpers, and the NULL-matrix bookkeeping.
 *
 * Built on ffi-tests/check.h (CHECK, RUN with descriptor counting, ...).
 */
#ifndef WL_HARDENING_H
#define WL_HARDENING_H

#define _GNU_SOURCE
#include "check.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/uio.h>

static int g_devnull = -1;
static wl_listener *g_listener; /* target of the pending connects */
static wl_addr g_listener_addr;

static int null_calls, null_refused, null_optional;

static inline void hard_setup(void) {
    g_devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(g_devnull >= 0);
    g_listener = wl_listen_on("127.0.0.1:0", &g_listener_addr);
    CHECK_OK(wl_socket_set_nonblocking(wl_listener_fd(g_listener), true));
}

static inline void hard_teardown(void) {
    wl_listener_free(g_listener);
    close(g_devnull);
}

static inline wl_raw *mk_raw(void) {
    wl_raw *r = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r));
    CHECK_OK(wl_socket_set_nonblocking(wl_raw_fd(r), true));
    return r;
}

static inline wl_bound *mk_bound(void) {
    wl_raw *r = mk_raw();
    wl_bound *b = NULL;
    wl_addr any = wl_parse("127.0.0.1:0");
    CHECK_OK(wl_raw_bind(r, &any, &b));
    return b;
}

static inline wl_listener *mk_listener(void) {
    wl_listener *l = NULL;
    CHECK_OK(wl_bound_listen(mk_bound(), 4, &l));
    CHECK_OK(wl_socket_set_nonblocking(wl_listener_fd(l), true));
    return l;
}

/* One end of a Unix stream pair (the other end is closed). */
static inline wl_conn *mk_conn(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    wl_conn_free(b);
    CHECK_OK(wl_socket_set_nonblocking(wl_conn_fd(a), true));
    return a;
}

static inline wl_pending *mk_pending(void) {
    wl_pending *p = NULL;
    CHECK_OK(wl_raw_connect_nonblocking(mk_raw(), &g_listener_addr, &p));
    return p;
}

static inline wl_dgram *mk_dgram(void) {
    wl_raw *r = NULL;
    wl_dgram *d = NULL;
    wl_addr any = wl_parse("127.0.0.1:0");
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &r));
    CHECK_OK(wl_raw_bind_dgram(r, &any, &d));
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_fd(d), true));
    return d;
}

/* One end of a Unix datagram pair (the other end is closed). */
static inline wl_dgram_conn *mk_dgram_conn(void) {
    wl_dgram_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_dgram_conn_pair(&a, &b));
    wl_dgram_conn_free(b);
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_conn_fd(a), true));
    return a;
}

static inline wl_send_batch *mk_send_batch(void) {
    wl_send_batch *b = NULL;
    CHECK_OK(wl_send_batch_new(AF_INET, 4, &b));
    return b;
}

static inline wl_recv_batch *mk_recv_batch(void) {
    wl_recv_batch *b = NULL;
    CHECK_OK(wl_recv_batch_new(AF_INET, 4, 64, &b));
    return b;
}

static inline wl_recv_slots *mk_recv_slots(void) {
    wl_recv_slots *s = NULL;
    CHECK_OK(wl_recv_slots_new(AF_INET, 4, &s));
    return s;
}

static inline wl_pipe *mk_pipe(void) {
    wl_pipe *p = NULL;
    CHECK_OK(wl_pipe_new(0, &p));
    return p;
}

/* A connect-by-name race over the listener's address, not yet stepped. */
static inline wl_connector *mk_connector(void) {
    wl_connector *c = NULL;
    CHECK_OK(wl_connector_start_addrs(NULL, &g_listener_addr, 1, NULL, &c));
    return c;
}

/* The read end of a pipe whose write end is closed: reads give EOF at once. */
static inline int mk_eof_pipe(void) {
    int fds[2];
    CHECK(pipe2(fds, O_CLOEXEC) == 0);
    close(fds[1]);
    return fds[0];
}

/* A wl_inherited holding one listener named "web", from a handover
 * message written by hand in the wire format of src/handover/wire.rs
 * ("WLHO", version 1, total length, count, then length-prefixed names). */
static inline wl_inherited *mk_inherited(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    wl_listener *l = mk_listener();
    const unsigned char msg[16] = {'W', 'L', 'H', 'O', 1, 16, 0, 0, 0, 1, 0, 3, 0, 'w', 'e', 'b'};
    int fd = wl_listener_fd(l);
    CHECK(wl_conn_send_fds(a, msg, sizeof msg, &fd, 1) == (ssize_t)sizeof msg);
    wl_inherited *set = NULL;
    CHECK_OK(wl_handover_receive(b, &set));
    wl_listener_free(l);
    wl_conn_free(a);
    wl_conn_free(b);
    return set;
}

/* An empty handover. */
static inline wl_handover *mk_handover(void) {
    wl_handover *h = NULL;
    CHECK_OK(wl_handover_new(&h));
    return h;
}

/* The write end of a pipe; its read end goes to pair[0] for the caller to close. */
static inline int mk_pipe_writer(int pair[2]) {
    CHECK(pipe2(pair, O_CLOEXEC | O_NONBLOCK) == 0);
    return pair[1];
}

/* A required pointer was NULL: the call must fail with -EINVAL and say so. */
static int null_failures;

static inline void null_expect_einval(const char *fn, const char *param, long rc) {
    null_calls++;
    if (rc != -EINVAL) {
        fprintf(stderr, "%s with NULL `%s` returned %ld (%s), expected -EINVAL\n", fn, param, rc,
                rc < 0 ? wl_strerror((int)rc) : "success");
        wl_print_last_error();
        null_failures++;
        /* WL_KEEP_GOING=1 lists every failure before failing. */
        if (getenv("WL_KEEP_GOING") == NULL) {
            exit(1);
        }
        return;
    }
    char msg[512];
    CHECK(wl_last_error_message(msg, sizeof msg) > 0);
    null_refused++;
}

static int wrong_type_refused;

/* A handle of type `actual` was passed where `expected` was: -EBADF (void
 * calls pass -EBADF and are judged by the message), and the message names
 * both types. */
static inline void wrong_type_expect(const char *fn, const char *param, long rc, const char *expected,
                                     const char *actual) {
    null_calls++;
    char want[128], msg[512];
    snprintf(want, sizeof want, "%s: expected %s, got %s", fn, expected, actual);
    wl_last_error_message(msg, sizeof msg);
    if (rc != -EBADF || strstr(msg, want) == NULL) {
        fprintf(stderr, "%s with a %s as `%s` returned %ld, last error \"%s\"; expected -EBADF and \"%s\"\n",
                fn, actual, param, rc, msg, want);
        null_failures++;
        if (getenv("WL_KEEP_GOING") == NULL) {
            exit(1);
        }
        return;
    }
    wrong_type_refused++;
}

/* An optional pointer was NULL: any result, as long as nothing crashed. */
static inline void null_optional_seen(const char *fn, const char *param, long rc) {
    (void)fn;
    (void)param;
    (void)rc;
    null_calls++;
    null_optional++;
}

#endif
