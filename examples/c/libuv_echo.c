/*
 * libuv_echo ADDR [MAX_CLIENTS [SNDBUF]]
 *
 * An echo server on libuv, driving Wirelane handles with uv_poll: libuv
 * tells when a descriptor is ready, Wirelane does the socket calls. Every
 * handle is non-blocking from birth (WL_NONBLOCK for wl_raw_open and
 * wl_listener_accept_flags), as uv_poll requires, with no fcntl.
 *
 * A connection watches UV_READABLE while it has nothing to echo, and
 * UV_WRITABLE alone while a partial send left bytes pending (it reads no
 * more until they are flushed: backpressure, bounded memory). Each
 * callback makes all the progress it can, until -EAGAIN.
 *
 * Exits 0 once MAX_CLIENTS connections (default: never; negative: never)
 * have been served: closing the last handle ends uv_run. SNDBUF, if
 * given, caps each connection's kernel send buffer (SO_SNDBUF on the
 * listener, inherited by accepted sockets). At exit it prints how many
 * sends were partial or returned -EAGAIN.
 *
 *   ./libuv_echo 127.0.0.1:7000
 *   ./libuv_echo /tmp/echo.sock 500
 */
#define _GNU_SOURCE /* uv.h needs the POSIX thread types strict C11 hides */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "wirelane.h"

enum { BUF_SIZE = 16384 };

typedef struct conn {
    uv_poll_t poll;        /* first: the uv handle's address is the conn's */
    wl_conn *handle;
    size_t len;            /* bytes in buf still to echo */
    size_t off;            /* of which already sent */
    int eof;               /* the client shut down writing */
    unsigned char buf[BUF_SIZE];
} conn;

typedef struct server {
    uv_poll_t poll;
    wl_listener *listener;
    long max_clients;
    long served;
    int status;
} server;

static server srv;
/* What the loop went through, printed at exit: proof that the partial
 * and -EAGAIN paths ran. */
static long partial_sends, eagain_sends;

static void report(const char *what, long rc) {
    char msg[512];
    wl_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, wl_strerror((int)rc), msg);
}

static void on_listener_closed(uv_handle_t *h) {
    (void)h;
    wl_listener_free(srv.listener); /* after libuv let go of its descriptor */
    srv.listener = NULL;
}

static void on_conn_closed(uv_handle_t *h) {
    conn *c = (conn *)h;
    wl_conn_free(c->handle);
    free(c);
    if (++srv.served == srv.max_clients) {
        uv_close((uv_handle_t *)&srv.poll, on_listener_closed);
    }
}

static void finish(conn *c) {
    uv_poll_stop(&c->poll);
    uv_close((uv_handle_t *)&c->poll, on_conn_closed);
}

/* Echoes what it can; returns the events to wait for next, or 0 when the
 * connection is finished (served, or failed). */
static int progress(conn *c) {
    for (;;) {
        while (c->off < c->len) {
            ssize_t n = wl_conn_send(c->handle, c->buf + c->off, c->len - c->off, 0);
            if (n == -EAGAIN) {
                eagain_sends++;
                return UV_WRITABLE; /* nothing was sent: wait for room */
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
            c->off += (size_t)n; /* partial: the rest stays pending */
        }
        c->off = c->len = 0;
        if (c->eof) {
            return 0; /* all echoed: close, and the client reads EOF */
        }
        ssize_t n = wl_conn_recv(c->handle, c->buf, sizeof c->buf, 0);
        if (n == -EAGAIN) {
            return UV_READABLE; /* drained */
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

static void on_conn(uv_poll_t *h, int status, int events) {
    (void)events;
    conn *c = (conn *)h;
    int want = status < 0 ? 0 : progress(c);
    if (want == 0) {
        finish(c);
    } else {
        uv_poll_start(&c->poll, want, on_conn);
    }
}

static void on_listener(uv_poll_t *h, int status, int events) {
    (void)events;
    if (status < 0) {
        fprintf(stderr, "listener poll: %s\n", uv_strerror(status));
        srv.status = 1;
        uv_stop(h->loop);
        return;
    }
    for (;;) {
        wl_conn *handle = NULL;
        int rc = wl_listener_accept_flags(srv.listener, WL_NONBLOCK, &handle, NULL);
        if (rc == -EAGAIN) return;                 /* the queue is empty */
        if (rc == -ECONNABORTED || rc == -EINTR) continue;
        if (rc < 0) {                               /* e.g. -EMFILE: libuv */
            report("wl_listener_accept_flags", rc); /* reports it again */
            return;
        }
        conn *c = malloc(sizeof *c);
        if (c == NULL) {
            wl_conn_free(handle);
            continue;
        }
        c->handle = handle;
        c->len = c->off = 0;
        c->eof = 0;
        int uv = uv_poll_init_socket(h->loop, &c->poll, wl_conn_fd(handle));
        if (uv < 0) {
            fprintf(stderr, "uv_poll_init_socket: %s\n", uv_strerror(uv));
            wl_conn_free(handle);
            free(c);
            continue;
        }
        uv_poll_start(&c->poll, UV_READABLE, on_conn);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s ADDR [MAX_CLIENTS [SNDBUF]]\n", argv[0]);
        return 2;
    }
    srv.max_clients = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
    long sndbuf = argc > 3 ? strtol(argv[3], NULL, 10) : 0;

    wl_addr addr;
    int rc = wl_addr_parse(argv[1], &addr);
    if (rc < 0) {
        report("wl_addr_parse", rc);
        return 1;
    }
    wl_raw *raw = NULL;
    rc = wl_raw_open(wl_addr_family(&addr), SOCK_STREAM, 0, WL_NONBLOCK, &raw);
    if (rc < 0) {
        report("wl_raw_open", rc);
        return 1;
    }
    wl_bound *bound = NULL;
    rc = wl_raw_bind(raw, &addr, &bound);
    if (rc < 0) {
        report("wl_raw_bind", rc);
        wl_raw_free(raw);
        return 1;
    }
    rc = wl_bound_listen(bound, 1024, &srv.listener);
    if (rc < 0) {
        report("wl_bound_listen", rc);
        wl_bound_free(bound);
        return 1;
    }

    if (sndbuf > 0 && (rc = wl_set_send_buffer_size(wl_listener_fd(srv.listener), (size_t)sndbuf)) < 0) {
        report("wl_set_send_buffer_size", rc);
        wl_listener_free(srv.listener);
        return 1;
    }

    uv_loop_t loop;
    int uv = uv_loop_init(&loop);
    if (uv == 0) uv = uv_poll_init_socket(&loop, &srv.poll, wl_listener_fd(srv.listener));
    if (uv == 0) uv = uv_poll_start(&srv.poll, UV_READABLE, on_listener);
    if (uv < 0) {
        fprintf(stderr, "libuv: %s\n", uv_strerror(uv));
        wl_listener_free(srv.listener);
        return 1;
    }

    wl_addr local;
    char text[WL_ADDR_STRLEN];
    wl_socket_local_addr(wl_listener_fd(srv.listener), &local);
    wl_addr_format(&local, text, sizeof text);
    printf("listening on %s\n", text);
    fflush(stdout);

    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop) != 0) {
        fprintf(stderr, "libuv_echo: handles still open at exit\n");
        srv.status = 1;
    }
    fprintf(stderr, "libuv_echo: served %ld clients; %ld sends were partial, %ld returned -EAGAIN\n",
            srv.served, partial_sends, eagain_sends);
    if (srv.listener != NULL) { /* stopped by an error, not by MAX_CLIENTS */
        wl_listener_free(srv.listener);
    }
    return srv.status;
}
