/*
 * tcp_echo_client ADDR MESSAGE
 *
 * Connects to an echo server, sends MESSAGE, half-closes, and prints what
 * comes back as "echo: ...".
 *
 *   ./tcp_echo_client 127.0.0.1:8080 hello
 */
#include <stdio.h>
#include <string.h>

#include "wirelane.h"

static int fail(const char *what, int rc) {
    char msg[512];
    wl_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, wl_strerror(rc), msg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s ADDR MESSAGE\n", argv[0]);
        return 2;
    }
    wl_addr addr;
    int rc = wl_addr_parse(argv[1], &addr);
    if (rc < 0) return fail("wl_addr_parse", rc);

    wl_raw *raw = NULL;
    rc = wl_raw_new(wl_addr_family(&addr), SOCK_STREAM, &raw);
    if (rc < 0) return fail("wl_raw_new", rc);
    wl_socket_set_write_timeout(wl_raw_fd(raw), 5000); /* bounds the connect too */

    wl_conn *conn = NULL;
    rc = wl_raw_connect(raw, &addr, &conn);
    if (rc < 0) {
        wl_raw_free(raw);
        return fail("wl_raw_connect", rc);
    }
    wl_socket_set_read_timeout(wl_conn_fd(conn), 5000);

    const char *msg = argv[2];
    size_t len = strlen(msg);
    for (size_t off = 0; off < len;) {
        ssize_t n = wl_conn_send(conn, msg + off, len - off, 0);
        if (n < 0) {
            wl_conn_free(conn);
            return fail("wl_conn_send", (int)n);
        }
        off += (size_t)n;
    }
    wl_conn_shutdown(conn, SHUT_WR);

    printf("echo: ");
    char buf[4096];
    ssize_t n;
    while ((n = wl_conn_recv(conn, buf, sizeof buf, 0)) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
    }
    printf("\n");
    wl_conn_free(conn);
    if (n < 0) return fail("wl_conn_recv", (int)n);
    return 0;
}
