/*
 * sendfile_server ADDR FILE [MAX_CLIENTS]
 *
 * A tiny file server: each client sends one request line ("GET\n"); the
 * server answers with FILE through sendfile(2), kernel to kernel, without
 * copying the bytes through user space, and closes. Exits after
 * MAX_CLIENTS (default: never).
 *
 *   ./sendfile_server 127.0.0.1:8080 /etc/os-release
 *   ./file_client 127.0.0.1:8080
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirelane.h"

static int fail(const char *what, int rc) {
    char msg[512];
    wl_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, wl_strerror(rc), msg);
    return 1;
}

static void serve(wl_conn *conn, const char *path) {
    char request[256];
    size_t got = 0;
    /* Reads exactly through the newline, never past it. */
    ssize_t n = wl_conn_recv_until(conn, "\n", 1, request, sizeof request, 5000, &got);
    if (n < 0) {
        fprintf(stderr, "bad request (%s, %zu bytes)\n", wl_errno_name((int)n), got);
        return;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        if (fd >= 0) close(fd);
        return;
    }
    uint64_t offset = 0;
    ssize_t sent = wl_conn_sendfile_all(conn, fd, &offset, (uint64_t)st.st_size);
    if (sent < 0) {
        fprintf(stderr, "sendfile stopped at byte %llu: %s\n", (unsigned long long)offset,
                wl_strerror((int)sent));
    }
    close(fd);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s ADDR FILE [MAX_CLIENTS]\n", argv[0]);
        return 2;
    }
    long max = argc > 3 ? strtol(argv[3], NULL, 10) : -1;
    wl_addr addr;
    int rc = wl_addr_parse(argv[1], &addr);
    if (rc < 0) return fail("wl_addr_parse", rc);

    wl_listener_config cfg = {0};
    if (wl_addr_family(&addr) != AF_UNIX) {
        cfg.reuse.addr = true;
        cfg.tcp.nodelay = true;
    }
    wl_listener *listener = NULL;
    rc = wl_listener_build(&cfg, &addr, &listener);
    if (rc < 0) return fail("wl_listener_build", rc);

    wl_addr local;
    char text[WL_ADDR_STRLEN];
    wl_socket_local_addr(wl_listener_fd(listener), &local);
    wl_addr_format(&local, text, sizeof text);
    printf("listening on %s\n", text);
    fflush(stdout);

    for (long served = 0; max < 0 || served < max; served++) {
        wl_conn *conn = NULL;
        rc = wl_listener_accept(listener, &conn, NULL);
        if (rc == -EINTR) continue;
        if (rc < 0) {
            wl_listener_free(listener);
            return fail("wl_listener_accept", rc);
        }
        serve(conn, argv[2]);
        wl_conn_free(conn);
    }
    wl_listener_free(listener);
    return 0;
}
