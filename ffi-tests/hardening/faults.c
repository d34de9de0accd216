/* Faults through the C ABI, in a C process where SIGPIPE is deadly (its
 * default disposition): a peer that resets mid-stream, a peer that closes
 * during a large send (every send path gives -EPIPE or -ECONNRESET, never
 * SIGPIPE: sendfile, splice and tee included), a full accept queue, a full
 * receive queue under non-blocking senders, signals interrupting blocking
 * calls (-EINTR, handle intact), and another thread shutting down or
 * closing a duplicate of a handle one thread is blocked on.
 *
 * The header makes freeing or transitioning a handle while another thread
 * uses it the caller's bug (undefined behaviour); that is not exercised.
 * What is safe, and tested: shutdown from another thread, and freeing a
 * wl_conn_try_clone duplicate. */
#include "hardening.h"

#include <pthread.h>
#include <time.h>

static void ms_sleep(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------ resets */

static void peer_reset_mid_stream(void) {
    wl_conn *client = NULL, *server = NULL;
    wl_stream_pair("127.0.0.1:0", &client, &server);
    CHECK_OK(wl_set_send_buffer_size(wl_conn_fd(server), 65536));
    CHECK_OK(wl_socket_set_nonblocking(wl_conn_fd(server), true));
    static unsigned char data[4 << 20];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (unsigned char)(i * 131 + (i >> 11));
    }
    size_t sent = 0;
    for (;;) {
        long n = wl_conn_send(server, data + sent, sizeof data - sent, 0);
        if (n == -EAGAIN) {
            break;
        }
        CHECK(n > 0);
        sent += (size_t)n;
        CHECK(sent < sizeof data);
    }
    unsigned char buf[65536];
    CHECK(wl_conn_recv(client, buf, 1000, MSG_WAITALL) == 1000);
    CHECK(memcmp(buf, data, 1000) == 0);
    CHECK(wl_conn_send(client, "unread", 6, 0) == 6); /* close then sends RST */
    CHECK_OK(wl_set_linger(wl_conn_fd(server), true, 0));
    wl_conn_free(server);
    size_t got = 1000;
    long n;
    while ((n = wl_conn_recv(client, buf, sizeof buf, 0)) > 0) {
        CHECK(memcmp(buf, data + got, (size_t)n) == 0); /* the prefix is intact */
        got += (size_t)n;
    }
    CHECK_ERR(n, ECONNRESET);
    CHECK(got <= sent);
    CHECK(wl_conn_recv(client, buf, sizeof buf, 0) == 0); /* reported once */
    CHECK_ERR(wl_conn_send(client, "x", 1, 0), EPIPE);
    wl_conn_free(client);
}

/* ------------------------------------------------------------- EPIPE */

static void every_send_path_is_epipe_not_sigpipe(void) {
    int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    CHECK(exe >= 0);
    int checked = 0;
    for (int path = 0; path < 9; path++) {
        wl_conn *a = NULL, *b = NULL;
        CHECK_OK(wl_conn_pair(&a, &b));
        wl_conn_free(b);
        long rc = 0;
        struct iovec iov = {.iov_base = "x", .iov_len = 1};
        uint64_t off = 0;
        size_t sent = 0;
        int fd = g_devnull;
        switch (path) {
        case 0: rc = wl_conn_send(a, "x", 1, 0); break;
        case 1: rc = wl_conn_send_vectored(a, &iov, 1); break;
        case 2: rc = wl_conn_send_all(a, "xyz", 3, 1000, NULL, &sent); break;
        case 3: rc = wl_conn_send_fds(a, "x", 1, &fd, 1); break;
        case 4: rc = wl_conn_send_with_credentials(a, "x", 1); break;
        case 5: rc = wl_conn_sendfile(a, exe, &off, 4096); break;
        case 6: rc = wl_conn_sendfile_all(a, exe, &off, 1 << 20); break;
        case 7: {
            int p[2];
            CHECK(pipe2(p, O_CLOEXEC) == 0);
            CHECK(write(p[1], "abc", 3) == 3);
            rc = wl_splice(p[0], NULL, wl_conn_fd(a), NULL, 3, 0);
            close(p[0]);
            close(p[1]);
            break;
        }
        default: {
            int p[2], q[2];
            CHECK(pipe2(p, O_CLOEXEC) == 0 && pipe2(q, O_CLOEXEC) == 0);
            CHECK(write(p[1], "abc", 3) == 3);
            close(q[0]); /* nobody reads q */
            rc = wl_tee(p[0], q[1], 3, 0);
            close(p[0]);
            close(p[1]);
            close(q[1]);
            break;
        }
        }
        if (rc != -EPIPE && rc != -ECONNRESET) {
            fprintf(stderr, "send path %d returned %ld\n", path, rc);
            exit(1);
        }
        checked++;
        wl_conn_free(a);
    }
    close(exe);
    CHECK(checked == 9);
}

struct sender {
    wl_conn *conn;
    long result;
    size_t sent;
};

static void *send_forever(void *arg) {
    struct sender *s = arg;
    static unsigned char chunk[1 << 20];
    for (;;) {
        size_t sent = 0;
        int rc = wl_conn_send_all(s->conn, chunk, sizeof chunk, 10000, NULL, &sent);
        s->sent += sent;
        if (rc < 0) {
            s->result = rc;
            return NULL;
        }
        if (s->sent > (size_t)1 << 30) {
            s->result = 0; /* never stopped: fails below */
            return NULL;
        }
    }
}

/* The peer closes with data unread while a large send is blocked. */
static void peer_closes_during_a_large_send(void) {
    const char *where[] = {"127.0.0.1:0", "[::1]:0"};
    for (int i = 0; i < 3; i++) {
        wl_conn *client = NULL, *server = NULL;
        if (i < 2) {
            wl_stream_pair(where[i], &client, &server);
        } else {
            CHECK_OK(wl_conn_pair(&client, &server));
            CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(server), 5000));
        }
        struct sender s = {.conn = client};
        pthread_t t;
        CHECK(pthread_create(&t, NULL, send_forever, &s) == 0);
        unsigned char buf[65536];
        CHECK(wl_conn_recv(server, buf, sizeof buf, MSG_WAITALL) == (long)sizeof buf);
        wl_conn_free(server);
        CHECK(pthread_join(t, NULL) == 0);
        CHECK(s.result == -EPIPE || s.result == -ECONNRESET);
        wl_conn_free(client);
    }
}

/* ------------------------------------------------------ accept queue */

static void unix_accept_queue_overflow(void) {
    char name[64];
    snprintf(name, sizeof name, "wl-hard-overflow-%ld", (long)getpid());
    wl_addr addr;
    CHECK_OK(wl_addr_unix_abstract((const uint8_t *)name, strlen(name), &addr));
    wl_raw *r = NULL;
    wl_bound *b = NULL;
    wl_listener *l = NULL;
    CHECK_OK(wl_raw_new(AF_UNIX, SOCK_STREAM, &r));
    CHECK_OK(wl_raw_bind(r, &addr, &b));
    CHECK_OK(wl_bound_listen(b, 2, &l));
    wl_pending *queued[8];
    int n = 0;
    int rc;
    for (;;) {
        CHECK_OK(wl_raw_new(AF_UNIX, SOCK_STREAM, &r));
        rc = wl_raw_connect_nonblocking(r, &addr, &queued[n]);
        if (rc < 0) {
            break;
        }
        n++;
        CHECK(n < 8);
    }
    CHECK_ERR(rc, EAGAIN); /* the queue is full: the wl_raw is still ours */
    CHECK(n == 3);         /* backlog 2 queues 3 on Linux */
    CHECK(wl_socket_is_nonblocking(wl_raw_fd(r)) == 0);
    wl_conn *c = NULL;
    CHECK_OK(wl_listener_accept(l, &c, NULL));
    wl_conn_free(c);
    CHECK_OK(wl_raw_connect(r, &addr, &c)); /* the same handle, now room */
    CHECK(wl_conn_send(c, "in", 2, 0) == 2);
    wl_conn_free(c);
    for (int i = 0; i < n; i++) {
        wl_pending_free(queued[i]);
    }
    for (int i = 0; i < 3; i++) {
        CHECK_OK(wl_listener_accept(l, &c, NULL));
        wl_conn_free(c);
    }
    wl_listener_free(l);
}

/* -------------------------------------------------- full receive queue */

static void full_queue_loses_nothing(void) {
    wl_dgram_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_dgram_conn_pair(&a, &b));
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_conn_fd(a), true));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_conn_fd(b), 5000));
    for (unsigned round = 0; round < 3; round++) {
        unsigned sent = 0;
        unsigned char msg[208];
        for (;;) {
            memset(msg, 0xab, sizeof msg);
            memcpy(msg, &round, 4);
            memcpy(msg + 4, &sent, 4);
            long rc = wl_dgram_conn_send(a, msg, sizeof msg, 0);
            if (rc == -EAGAIN) {
                break;
            }
            CHECK(rc == (long)sizeof msg);
            sent++;
            CHECK(sent < 1000000);
        }
        CHECK(sent > 0);
        for (unsigned i = 0; i < sent; i++) {
            unsigned char got[512];
            CHECK(wl_dgram_conn_recv(b, got, sizeof got, 0) == (long)sizeof msg);
            unsigned r2, i2;
            memcpy(&r2, got, 4);
            memcpy(&i2, got + 4, 4);
            CHECK(r2 == round && i2 == i); /* in order, none lost */
        }
        unsigned char extra[8];
        CHECK_ERR(wl_dgram_conn_recv(b, extra, sizeof extra, MSG_DONTWAIT), EAGAIN);
    }
    wl_dgram_conn_free(a);
    wl_dgram_conn_free(b);
}

/* --------------------------------------------------------------- EINTR */

static void on_usr1(int sig) { (void)sig; }

enum call { RECV, ACCEPT, RECV_FROM, PENDING_WAIT, RECV_FDS };

struct blocked {
    enum call call;
    void *handle;
    long result;
    volatile int done;
};

static void *block(void *arg) {
    struct blocked *b = arg;
    char buf[8];
    int fds[4];
    size_t n = 0;
    wl_conn *c = NULL;
    switch (b->call) {
    case RECV: b->result = wl_conn_recv(b->handle, buf, sizeof buf, 0); break;
    case ACCEPT: b->result = wl_listener_accept(b->handle, &c, NULL); break;
    case RECV_FROM: b->result = wl_dgram_recv_from(b->handle, buf, sizeof buf, NULL, 0); break;
    case PENDING_WAIT: b->result = wl_pending_wait(b->handle, -1); break;
    case RECV_FDS: b->result = wl_conn_recv_fds(b->handle, buf, 1, fds, 4, &n); break;
    }
    b->done = 1;
    return NULL;
}

/* Runs the call on a thread and signals it every 5 ms until it returns. */
static long interrupted(enum call call, void *handle) {
    struct blocked b = {.call = call, .handle = handle};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, block, &b) == 0);
    for (int i = 0; !b.done; i++) {
        CHECK(i < 2000); /* 10 s */
        pthread_kill(t, SIGUSR1);
        ms_sleep(5);
    }
    CHECK(pthread_join(t, NULL) == 0);
    return b.result;
}

static void signals_interrupt_blocking_calls(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1; /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_ERR(interrupted(RECV, b), EINTR);
    CHECK_ERR(interrupted(RECV_FDS, b), EINTR);
    CHECK(wl_conn_send(a, "k", 1, 0) == 1); /* the handle is intact */
    char c;
    CHECK(wl_conn_recv(b, &c, 1, 0) == 1 && c == 'k');
    wl_conn_free(a);
    wl_conn_free(b);

    wl_addr addr;
    wl_listener *l = wl_listen_on("127.0.0.1:0", &addr);
    CHECK_ERR(interrupted(ACCEPT, l), EINTR);
    wl_listener_free(l);

    wl_dgram *d = mk_dgram();
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_fd(d), false));
    CHECK_ERR(interrupted(RECV_FROM, d), EINTR);
    wl_dgram_free(d);

    /* A connect that cannot complete: the listener's queue is full. */
    wl_raw *r = NULL;
    wl_bound *fb = NULL;
    wl_listener *full = NULL;
    wl_addr any = wl_parse("127.0.0.1:0"), full_addr;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r));
    CHECK_OK(wl_raw_bind(r, &any, &fb));
    CHECK_OK(wl_bound_listen(fb, 0, &full));
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(full), &full_addr));
    wl_conn *queued = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r));
    CHECK_OK(wl_raw_connect(r, &full_addr, &queued));
    CHECK(wl_wait(wl_listener_fd(full), WL_READABLE, 5000) > 0);
    wl_pending *p = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r));
    CHECK_OK(wl_raw_connect_nonblocking(r, &full_addr, &p));
    CHECK_ERR(interrupted(PENDING_WAIT, p), EINTR);
    wl_pending_free(p);
    wl_conn_free(queued);
    wl_listener_free(full);
    signal(SIGUSR1, SIG_DFL);
}

/* ------------------------------------------------- across threads */

struct reader {
    wl_conn *conn;
    long result;
    char buf[8];
};

static void *read_once(void *arg) {
    struct reader *r = arg;
    r->result = wl_conn_recv(r->conn, r->buf, 5, MSG_WAITALL);
    return NULL;
}

static void *accept_once(void *arg) {
    wl_conn *c = NULL;
    long rc = wl_listener_accept(arg, &c, NULL);
    wl_conn_free(c);
    return (void *)rc;
}

static void shutdown_and_clones_across_threads(void) {
    /* shutdown from another thread wakes a blocked recv: end of stream. */
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(b), 10000));
    struct reader r = {.conn = b};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, read_once, &r) == 0);
    ms_sleep(50);
    CHECK_OK(wl_conn_shutdown(b, SHUT_RD));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(r.result == 0);
    wl_conn_free(a);
    wl_conn_free(b);

    /* Freeing a try_clone duplicate does not disturb the blocked original. */
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(b), 10000));
    wl_conn *dup = NULL;
    CHECK_OK(wl_conn_try_clone(b, &dup));
    struct reader r2 = {.conn = b};
    CHECK(pthread_create(&t, NULL, read_once, &r2) == 0);
    ms_sleep(50);
    wl_conn_free(dup);
    CHECK(wl_conn_send(a, "hello", 5, 0) == 5);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(r2.result == 5 && memcmp(r2.buf, "hello", 5) == 0);
    wl_conn_free(a);
    wl_conn_free(b);

    /* A blocked accept is woken by shutdown(SHUT_RD) on the listener's fd:
     * -EINVAL, as for a socket that no longer listens. */
    wl_addr addr;
    wl_listener *l = wl_listen_on("127.0.0.1:0", &addr);
    CHECK(pthread_create(&t, NULL, accept_once, l) == 0);
    ms_sleep(50);
    CHECK(shutdown(wl_listener_fd(l), SHUT_RD) == 0);
    void *res = NULL;
    CHECK(pthread_join(t, &res) == 0);
    CHECK((long)res == -EINVAL);
    wl_listener_free(l);
}

int main(void) {
    wl_test_start(120);
    /* SIGPIPE stays at its default: a send without MSG_NOSIGNAL kills us. */
    CHECK(signal(SIGPIPE, SIG_DFL) != SIG_ERR);
    hard_setup();
    RUN(peer_reset_mid_stream);
    RUN(every_send_path_is_epipe_not_sigpipe);
    RUN(peer_closes_during_a_large_send);
    RUN(unix_accept_queue_overflow);
    RUN(full_queue_loses_nothing);
    RUN(signals_interrupt_blocking_calls);
    RUN(shutdown_and_clones_across_threads);
    hard_teardown();
    return wl_test_end("faults");
}
