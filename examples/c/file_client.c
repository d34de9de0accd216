/*
 * file_client ADDR
 *
 * Asks a sendfile_server for its file ("GET\n") and copies the answer to
 * standard output.
 */
#include <stdio.h>

#include "wirelane.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s ADDR\n", argv[0]);
        return 2;
    }
    wl_addr addr;
    wl_connector_config cfg = {0};
    cfg.timeout_ms = 5000;
    wl_conn *conn = NULL;
    int rc = wl_addr_parse(argv[1], &addr);
    if (rc == 0) rc = wl_connector_connect(&cfg, &addr, &conn);
    if (rc < 0) {
        fprintf(stderr, "connect: %s\n", wl_strerror(rc));
        return 1;
    }
    wl_socket_set_read_timeout(wl_conn_fd(conn), 5000);
    size_t sent = 0;
    rc = wl_conn_send_all(conn, "GET\n", 4, 5000, NULL, &sent);
    char buf[65536];
    ssize_t n = 0;
    while (rc == 0 && (n = wl_conn_recv(conn, buf, sizeof buf, 0)) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
    }
    wl_conn_free(conn);
    if (rc < 0 || n < 0) {
        fprintf(stderr, "transfer failed: %s\n", wl_strerror(rc < 0 ? rc : (int)n));
        return 1;
    }
    return 0;
}
