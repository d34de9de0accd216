/*
 * epoll_echo ADDR [MAX_CLIENTS [SNDBUF]]
 *
 * A single-threaded echo server on a hand-written epoll loop over the
 * Wirelane C ABI. Every handle is non-blocking from birth (WL_NONBLOCK:
 * wl_raw_open for the listener, wl_listener_accept_flags for each
 * connection), so no fcntl is ever called.
 *
 * The listener is level-triggered: each wake-up accepts until -EAGAIN, and
 * anything left behind (say, after -EMFILE) is reported again. Connections
 * are edge-triggered (EPOLLET): after each event the connection makes all
 * the progress it can, until a recv or a send says -EAGAIN, because the
 * next edge only comes with new data or new room. A send may take part of
 * the buffer: the rest stays pending and the connection stops reading
 * until it is flushed (backpressure), so memory stays bounded.
 *
 * Exits 0 once MAX_CLIENTS connections (default: never) have been served
 * and closed (a negative MAX_CLIENTS: never). SNDBUF, if given, caps each
 * connection's kernel send buffer (SO_SNDBUF on the listener, which
 * accepted sockets inherit): less memory per client, and more partial
 * sends to handle. At exit it prints how many sends were partial or
 * returned -EAGAIN.
 *
 *   ./epoll_echo 127.0.0.1:7000
 *   ./epoll_echo /tmp/echo.sock 500
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "wirelane.h"

enum { BUF_SIZE = 16384, MAX_EVENTS = 256 };

/* What the loop went through, printed at exit: proof that the partial
 * and -EAGAIN paths ran. */
static long partial_sends, eagain_sends;

typedef struct conn {
    wl_conn *handle;
    size_t len;           /* bytes in buf still to echo */
    size_t off;           /* of which already sent */
    int eof;              /* the client shut down writing */
    unsigned char buf[BUF_SIZE];
} conn;

static int fail(const char *what, long rc) {
    char msg[512];
    wl_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, wl_strerror((int)rc), msg);
    return 1;
}

/* Echoes what it can. Returns 1 while the connection lives, 0 once it is
 * finished (served, or failed) and must be closed. */
static int progress(conn *c) {
    for (;;) {
        while (c->off < c->len) {
            ssize_t n = wl_conn_send(c->handle, c->buf + c->off, c->len - c->off, 0);
            if (n == -EAGAIN) {
                eagain_sends++;
                return 1; /* nothing was sent: wait for the EPOLLOUT edge */
            }
            if (n == -EINTR) {
                continue;
            }
            if (n < 0) {
                return 0; /* -EPIPE / -ECONNRESET: the client is gone */
            }
            if ((size_t)n < c->len - c->off) {
                partial_sends++;
            }
            c->off += (size_t)n; /* a partial send: the rest stays pending */
        }
        c->off = c->len = 0;
        if (c->eof) {
            return 0; /* everything echoed: close, the client reads EOF */
        }
        ssize_t n = wl_conn_recv(c->handle, c->buf, sizeof c->buf, 0);
        if (n == -EAGAIN) {
            return 1; /* drained: wait for the next EPOLLIN edge */
        }
        if (n == -EINTR) {
            continue;
        }
        if (n < 0) {
            return 0;
        }
        if (n == 0) {
            c->eof = 1;
        }
        c->len = (size_t)n;
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s ADDR [MAX_CLIENTS [SNDBUF]]\n", argv[0]);
        return 2;
    }
    long max_clients = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
    long sndbuf = argc > 3 ? strtol(argv[3], NULL, 10) : 0;

    wl_addr addr;
    int rc = wl_addr_parse(argv[1], &addr);
    if (rc < 0) return fail("wl_addr_parse", rc);

    /* Non-blocking from birth: socket(2) gets SOCK_NONBLOCK | SOCK_CLOEXEC. */
    wl_raw *raw = NULL;
    rc = wl_raw_open(wl_addr_family(&addr), SOCK_STREAM, 0, WL_NONBLOCK, &raw);
    if (rc < 0) return fail("wl_raw_open", rc);
    wl_bound *bound = NULL;
    rc = wl_raw_bind(raw, &addr, &bound);
    if (rc < 0) {
        wl_raw_free(raw);
        return fail("wl_raw_bind", rc);
    }
    wl_listener *listener = NULL;
    rc = wl_bound_listen(bound, 1024, &listener);
    if (rc < 0) {
        wl_bound_free(bound);
        return fail("wl_bound_listen", rc);
    }

    if (sndbuf > 0 && (rc = wl_set_send_buffer_size(wl_listener_fd(listener), (size_t)sndbuf)) < 0) {
        wl_listener_free(listener);
        return fail("wl_set_send_buffer_size", rc);
    }

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        perror("epoll_create1");
        wl_listener_free(listener);
        return 1;
    }
    /* data.ptr NULL marks the listener (level-triggered). */
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, wl_listener_fd(listener), &lev) < 0) {
        perror("epoll_ctl");
        close(ep);
        wl_listener_free(listener);
        return 1;
    }

    wl_addr local;
    char text[WL_ADDR_STRLEN];
    wl_socket_local_addr(wl_listener_fd(listener), &local);
    wl_addr_format(&local, text, sizeof text);
    printf("listening on %s\n", text);
    fflush(stdout);

    long served = 0, open_conns = 0;
    int status = 0;
    struct epoll_event events[MAX_EVENTS];
    while (max_clients < 0 || served < max_clients) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            perror("epoll_wait");
            status = 1;
            break;
        }
        for (int i = 0; i < n; i++) {
            conn *c = events[i].data.ptr;
            if (c == NULL) {
                for (;;) {
                    wl_conn *h = NULL;
                    rc = wl_listener_accept_flags(listener, WL_NONBLOCK, &h, NULL);
                    if (rc == -EAGAIN) break;          /* the queue is empty */
                    if (rc == -ECONNABORTED || rc == -EINTR) continue;
                    if (rc < 0) {                       /* e.g. -EMFILE: retried */
                        fail("wl_listener_accept_flags", rc); /* on the next wake */
                        break;
                    }
                    conn *nc = malloc(sizeof *nc);
                    if (nc == NULL) {
                        wl_conn_free(h);
                        continue;
                    }
                    nc->handle = h;
                    nc->len = nc->off = 0;
                    nc->eof = 0;
                    struct epoll_event cev = {
                        .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = nc};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, wl_conn_fd(h), &cev) < 0) {
                        perror("epoll_ctl");
                        wl_conn_free(h);
                        free(nc);
                        continue;
                    }
                    open_conns++;
                    /* Data may already be queued: its edge came before the ADD. */
                    if (!progress(nc)) {
                        wl_conn_free(nc->handle); /* closing removes it from epoll */
                        free(nc);
                        open_conns--;
                        served++;
                    }
                }
                continue;
            }
            if (!progress(c)) {
                wl_conn_free(c->handle);
                free(c);
                open_conns--;
                served++;
            }
        }
    }
    if (open_conns != 0) {
        fprintf(stderr, "epoll_echo: %ld connections still open at exit\n", open_conns);
        status = 1;
    }
    fprintf(stderr, "epoll_echo: served %ld clients; %ld sends were partial, %ld returned -EAGAIN\n",
            served, partial_sends, eagain_sends);
    close(ep);
    wl_listener_free(listener);
    return status;
}
