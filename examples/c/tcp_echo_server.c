/*
 * tcp_echo_server ADDR [MAX_CLIENTS]
 *
 * A TCP (or Unix stream) echo server on the Wirelane C ABI: every state
 * transition is a function that consumes its input handle on success.
 * Serves clients one at a time; exits after MAX_CLIENTS (default: never).
 *
 *   ./tcp_echo_server 127.0.0.1:8080
 *   ./tcp_echo_server /tmp/echo.sock 1
 */
#include <stdio.h>
#include <stdlib.h>

#include "wirelane.h"

static int fail(const char *what, int rc) {
    char msg[512];
    wl_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, wl_strerror(rc), msg);
    return 1;
}

static void serve(wl_conn *conn) {
    char buf[4096];
    for (;;) {
        ssize_t n = wl_conn_recv(conn, buf, sizeof buf, 0);
        if (n <= 0) {
            break; /* 0: the client closed; < 0: an error (e.g. -ECONNRESET) */
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t sent = wl_conn_send(conn, buf + off, (size_t)(n - off), 0);
            if (sent < 0) {
                return; /* -EPIPE when the client is gone: never a SIGPIPE */
            }
            off += sent;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s ADDR [MAX_CLIENTS]\n", argv[0]);
        return 2;
    }
    long max_clients = argc > 2 ? strtol(argv[2], NULL, 10) : -1;

    wl_addr addr;
    int rc = wl_addr_parse(argv[1], &addr);
    if (rc < 0) return fail("wl_addr_parse", rc);

    wl_raw *raw = NULL;
    rc = wl_raw_new(wl_addr_family(&addr), SOCK_STREAM, &raw);
    if (rc < 0) return fail("wl_raw_new", rc);

    if (wl_addr_family(&addr) != AF_UNIX) {
        /* Options take any state's descriptor, as in Rust. Restarts can rebind at once. */
        wl_set_reuse_address(wl_raw_fd(raw), true);
    }

    wl_bound *bound = NULL;
    rc = wl_raw_bind(raw, &addr, &bound);
    if (rc < 0) {
        wl_raw_free(raw); /* a failed transition leaves `raw` ours */
        return fail("wl_raw_bind", rc);
    }
    /* `raw` is consumed: from here on only `bound` exists. */

    wl_listener *listener = NULL;
    rc = wl_bound_listen(bound, 128, &listener);
    if (rc < 0) {
        wl_bound_free(bound);
        return fail("wl_bound_listen", rc);
    }

    wl_addr local;
    char text[WL_ADDR_STRLEN];
    wl_socket_local_addr(wl_listener_fd(listener), &local);
    wl_addr_format(&local, text, sizeof text);
    printf("listening on %s\n", text);
    fflush(stdout);

    for (long served = 0; max_clients < 0 || served < max_clients; served++) {
        wl_conn *conn = NULL;
        wl_addr peer;
        rc = wl_listener_accept(listener, &conn, &peer);
        if (rc == -EINTR) continue;
        if (rc < 0) {
            wl_listener_free(listener);
            return fail("wl_listener_accept", rc);
        }
        serve(conn);
        wl_conn_free(conn);
    }
    wl_listener_free(listener);
    return 0;
}
