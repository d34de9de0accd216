/* Handle tags (issue 15): every handle carries a word naming its type, so
 * a handle passed as another type through a C cast (a wl_conn * passed as
 * a wl_listener *) is refused at run time in every build, with -EBADF and
 * a message naming the expected and the actual type, and nothing is
 * consumed, freed or closed. One live handle of every type is passed to a
 * borrowing call, a free, and (for the states) a transition and an
 * into_fd of every other type. */
#define _GNU_SOURCE
#include "check.h"

#include <stdbool.h>

enum kind {
    RAW,
    BOUND,
    LISTENER,
    CONN,
    PENDING,
    DGRAM,
    DGRAM_CONN,
    SEND_BATCH,
    RECV_BATCH,
    PIPE,
    CONNECTOR,
    INHERITED,
    HANDOVER,
    NKINDS
};

static const char *const NAMES[NKINDS] = {
    "wl_raw",        "wl_bound",      "wl_listener",   "wl_conn",      "wl_pending",
    "wl_dgram",      "wl_dgram_conn", "wl_send_batch", "wl_recv_batch", "wl_pipe",
    "wl_connector",  "wl_inherited",  "wl_handover",
};

/* One live handle of every type, plus what they need. */
struct fixture {
    void *h[NKINDS];
    wl_listener *peer_listener; /* what the pending connect and the connector reach */
    wl_conn *conn_peer;         /* the other end of h[CONN] */
};

static void make_all(struct fixture *f) {
    memset(f, 0, sizeof *f);
    wl_addr addr;
    f->peer_listener = wl_listen_on("127.0.0.1:0", &addr);
    wl_addr any4 = wl_parse("127.0.0.1:0");

    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    f->h[RAW] = raw;

    wl_raw *r2 = NULL;
    wl_bound *bound = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r2));
    CHECK_OK(wl_raw_bind(r2, &any4, &bound));
    f->h[BOUND] = bound;

    wl_addr unused;
    f->h[LISTENER] = wl_listen_on("127.0.0.1:0", &unused);

    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    f->h[CONN] = a;
    f->conn_peer = b;

    wl_raw *r3 = NULL;
    wl_pending *pending = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r3));
    CHECK_OK(wl_raw_connect_nonblocking(r3, &addr, &pending));
    f->h[PENDING] = pending;

    wl_raw *r4 = NULL;
    wl_dgram *dgram = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &r4));
    CHECK_OK(wl_raw_bind_dgram(r4, &any4, &dgram));
    f->h[DGRAM] = dgram;

    wl_raw *r5 = NULL;
    wl_dgram_conn *dconn = NULL;
    wl_addr dgram_addr;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(dgram), &dgram_addr));
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &r5));
    CHECK_OK(wl_raw_connect_dgram(r5, &dgram_addr, &dconn));
    f->h[DGRAM_CONN] = dconn;

    wl_send_batch *sb = NULL;
    CHECK_OK(wl_send_batch_new(AF_INET, 4, &sb));
    f->h[SEND_BATCH] = sb;

    wl_recv_batch *rb = NULL;
    CHECK_OK(wl_recv_batch_new(AF_INET, 4, 64, &rb));
    f->h[RECV_BATCH] = rb;

    wl_pipe *pipe = NULL;
    CHECK_OK(wl_pipe_new(0, &pipe));
    f->h[PIPE] = pipe;

    wl_connector *connector = NULL;
    CHECK_OK(wl_connector_start_addrs(NULL, &addr, 1, NULL, &connector));
    f->h[CONNECTOR] = connector;

    /* An empty activation set: LISTEN_FDS=0 for this process. */
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    CHECK(setenv("LISTEN_PID", pid, 1) == 0 && setenv("LISTEN_FDS", "0", 1) == 0);
    wl_inherited *inherited = NULL;
    CHECK_OK(wl_activation_listen_fds(true, &inherited));
    f->h[INHERITED] = inherited;

    wl_handover *handover = NULL;
    CHECK_OK(wl_handover_new(&handover));
    f->h[HANDOVER] = handover;
}

static void free_all(struct fixture *f) {
    wl_raw_free(f->h[RAW]);
    wl_bound_free(f->h[BOUND]);
    wl_listener_free(f->h[LISTENER]);
    wl_conn_free(f->h[CONN]);
    wl_pending_free(f->h[PENDING]);
    wl_dgram_free(f->h[DGRAM]);
    wl_dgram_conn_free(f->h[DGRAM_CONN]);
    wl_send_batch_free(f->h[SEND_BATCH]);
    wl_recv_batch_free(f->h[RECV_BATCH]);
    wl_pipe_free(f->h[PIPE]);
    wl_connector_free(f->h[CONNECTOR]);
    wl_inherited_free(f->h[INHERITED]);
    wl_handover_free(f->h[HANDOVER]);
    wl_conn_free(f->conn_peer);
    wl_listener_free(f->peer_listener);
}

/* A call that borrows a handle of type `k`, made with `p` (any handle). */
static long borrow_as(enum kind k, void *p, struct fixture *f) {
    size_t n = 0;
    int ms = 0;
    switch (k) {
    case RAW: return wl_raw_fd(p);
    case BOUND: return wl_bound_fd(p);
    case LISTENER: return wl_listener_fd(p);
    case CONN: return wl_conn_fd(p);
    case PENDING: return wl_pending_fd(p);
    case DGRAM: return wl_dgram_fd(p);
    case DGRAM_CONN: return wl_dgram_conn_fd(p);
    case SEND_BATCH: return wl_send_batch_len(p);
    case RECV_BATCH: return wl_recv_batch_capacity(p);
    case PIPE: return wl_pipe_capacity(p, &n);
    case CONNECTOR: return wl_connector_timeout_ms(p, &ms);
    case INHERITED: return wl_inherited_count(p);
    case HANDOVER: return wl_handover_add_listener(p, "tags", f->peer_listener);
    case NKINDS: break;
    }
    return 0;
}

/* The data path too: send, receive, accept on a handle of the wrong type
 * (must fail at once, never block or touch the socket). */
static long io_as(enum kind k, void *p, struct fixture *f) {
    char byte = 'x';
    wl_conn *out = NULL;
    switch (k) {
    case CONN: return wl_conn_send(p, &byte, 1, 0);
    case DGRAM_CONN: return wl_dgram_conn_recv(p, &byte, 1, MSG_DONTWAIT);
    case LISTENER: return wl_listener_accept(p, &out, NULL);
    case SEND_BATCH: return wl_send_batch_push(p, &byte, 1, NULL);
    default: return borrow_as(k, p, f);
    }
}

/* A consuming call of type `k` with `p`; only for wrong-type `p` (with
 * the right type it would consume the fixture's handle). */
static long consume_as(enum kind k, void *p, bool into_fd, struct fixture *f) {
    wl_addr a = wl_parse("127.0.0.1:0");
    wl_bound *bound = NULL;
    wl_listener *listener = NULL;
    wl_conn *conn = NULL;
    wl_dgram_conn *dconn = NULL;
    switch (k) {
    case RAW: return into_fd ? wl_raw_into_fd(p) : wl_raw_bind(p, &a, &bound);
    case BOUND: return into_fd ? wl_bound_into_fd(p) : wl_bound_listen(p, 4, &listener);
    case LISTENER: return into_fd ? wl_listener_into_fd(p) : wl_listener_accept(p, &conn, NULL);
    case CONN: return into_fd ? wl_conn_into_fd(p) : wl_conn_shutdown(p, SHUT_RDWR);
    case PENDING: return into_fd ? wl_pending_into_fd(p) : wl_pending_finish(p, &conn);
    case DGRAM: return into_fd ? wl_dgram_into_fd(p) : wl_dgram_connect(p, &a, &dconn);
    case DGRAM_CONN: return wl_dgram_conn_into_fd(p);
    case CONNECTOR: return wl_connector_step(p, &conn);
    case INHERITED: return wl_inherited_take_listener(p, 0, 0, &listener);
    default: return borrow_as(k, p, f);
    }
}

static void free_as(enum kind k, void *p) {
    switch (k) {
    case RAW: wl_raw_free(p); break;
    case BOUND: wl_bound_free(p); break;
    case LISTENER: wl_listener_free(p); break;
    case CONN: wl_conn_free(p); break;
    case PENDING: wl_pending_free(p); break;
    case DGRAM: wl_dgram_free(p); break;
    case DGRAM_CONN: wl_dgram_conn_free(p); break;
    case SEND_BATCH: wl_send_batch_free(p); break;
    case RECV_BATCH: wl_recv_batch_free(p); break;
    case PIPE: wl_pipe_free(p); break;
    case CONNECTOR: wl_connector_free(p); break;
    case INHERITED: wl_inherited_free(p); break;
    case HANDOVER: wl_handover_free(p); break;
    case NKINDS: break;
    }
}

static void expect_mismatch(long rc, enum kind expected, enum kind actual, const char *what) {
    char want[128];
    snprintf(want, sizeof want, "expected %s, got %s", NAMES[expected], NAMES[actual]);
    if (rc != -EBADF) {
        fprintf(stderr, "%s as %s on a %s returned %ld, expected -EBADF\n", what, NAMES[expected],
                NAMES[actual], rc);
        wl_print_last_error();
        exit(1);
    }
    CHECK_MSG(want);
}

static void each_handle_works_as_itself(void) {
    struct fixture f;
    make_all(&f);
    for (int k = 0; k < NKINDS; k++) {
        long rc = borrow_as((enum kind)k, f.h[k], &f);
        if (rc < 0) {
            fprintf(stderr, "%s: its own call failed: %ld\n", NAMES[k], rc);
            wl_print_last_error();
            exit(1);
        }
    }
    free_all(&f);
}

static void a_borrowing_call_refuses_every_other_type(void) {
    struct fixture f;
    make_all(&f);
    for (int expected = 0; expected < NKINDS; expected++) {
        for (int actual = 0; actual < NKINDS; actual++) {
            if (expected == actual) {
                continue;
            }
            expect_mismatch(borrow_as((enum kind)expected, f.h[actual], &f), (enum kind)expected,
                            (enum kind)actual, "borrow");
            expect_mismatch(io_as((enum kind)expected, f.h[actual], &f), (enum kind)expected,
                            (enum kind)actual, "io");
        }
    }
    /* Nothing was disturbed: every handle still works as itself. */
    for (int k = 0; k < NKINDS; k++) {
        CHECK(borrow_as((enum kind)k, f.h[k], &f) >= 0);
    }
    free_all(&f);
}

static void a_transition_or_into_fd_consumes_nothing_of_another_type(void) {
    struct fixture f;
    make_all(&f);
    for (int expected = 0; expected < NKINDS; expected++) {
        for (int actual = 0; actual < NKINDS; actual++) {
            if (expected == actual) {
                continue;
            }
            expect_mismatch(consume_as((enum kind)expected, f.h[actual], false, &f), (enum kind)expected,
                            (enum kind)actual, "transition");
            expect_mismatch(consume_as((enum kind)expected, f.h[actual], true, &f), (enum kind)expected,
                            (enum kind)actual, "into_fd");
        }
    }
    for (int k = 0; k < NKINDS; k++) {
        CHECK(borrow_as((enum kind)k, f.h[k], &f) >= 0);
    }
    /* The sockets are still open and owned by their handles. */
    CHECK(wl_fd_is_open(wl_conn_fd(f.h[CONN])));
    CHECK(wl_fd_is_open(wl_listener_fd(f.h[LISTENER])));
    free_all(&f);
}

static void a_free_of_another_type_frees_nothing(void) {
    struct fixture f;
    make_all(&f);
    int fds_before = wl_count_fds();
    for (int expected = 0; expected < NKINDS; expected++) {
        for (int actual = 0; actual < NKINDS; actual++) {
            if (expected == actual) {
                continue;
            }
            free_as((enum kind)expected, f.h[actual]);
            char want[128];
            snprintf(want, sizeof want, "_free: expected %s, got %s", NAMES[expected], NAMES[actual]);
            CHECK_MSG(want);
        }
    }
    /* No descriptor closed, no handle freed (ASan and valgrind would
     * report the use after free below, and a double free in free_all). */
    CHECK(wl_count_fds() == fds_before);
    for (int k = 0; k < NKINDS; k++) {
        CHECK(borrow_as((enum kind)k, f.h[k], &f) >= 0);
    }
    free_all(&f);
}

static void the_message_names_both_types(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    wl_conn *out = NULL;
    /* The cast a C user might write by mistake. */
    CHECK_ERR(wl_listener_accept((const wl_listener *)(const void *)a, &out, NULL), EBADF);
    char msg[256];
    CHECK(wl_last_error_message(msg, sizeof msg) > 0);
    CHECK(strcmp(msg, "wl_listener_accept: expected wl_listener, got wl_conn") == 0);
    CHECK(out == NULL);
    /* NULL stays -EINVAL, as before. */
    CHECK_ERR(wl_listener_accept(NULL, &out, NULL), EINVAL);
    CHECK_MSG("the wl_listener handle is NULL");
    /* Not a handle at all: a tag word that names nothing. */
    uint64_t not_a_handle[4] = {0x1234, 0, 0, 0};
    CHECK_ERR(wl_conn_fd((const wl_conn *)(const void *)not_a_handle), EBADF);
    CHECK_MSG("expected wl_conn, got a pointer that is not a live Wirelane handle");
    wl_conn_free(a);
    wl_conn_free(b);
}

int main(void) {
    wl_test_start(60);
    RUN(each_handle_works_as_itself);
    RUN(a_borrowing_call_refuses_every_other_type);
    RUN(a_transition_or_into_fd_consumes_nothing_of_another_type);
    RUN(a_free_of_another_type_frees_nothing);
    RUN(the_message_names_both_types);
    return wl_test_end("test_handle_tags");
}
