/*
 * udp_echo_batch_server ADDR [MAX_DATAGRAMS]
 *
 * A UDP (or Unix datagram) echo server that moves many datagrams per
 * syscall: one recvmmsg(2) receives up to 64, one sendmmsg(2) echoes them
 * all back. Both batches are allocated once; the loop allocates nothing.
 * Exits after echoing MAX_DATAGRAMS (default: never).
 *
 *   ./udp_echo_batch_server 127.0.0.1:9000
 */
#include <stdio.h>
#include <stdlib.h>

#include "wirelane.h"

enum { BATCH = 64, SLOT = 2048 };

static int fail(const char *what, int rc) {
    char msg[512];
    wl_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, wl_strerror(rc), msg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s ADDR [MAX_DATAGRAMS]\n", argv[0]);
        return 2;
    }
    long max = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
    wl_addr addr;
    int rc = wl_addr_parse(argv[1], &addr);
    if (rc < 0) return fail("wl_addr_parse", rc);

    /* DatagramBuilder as a config struct: zero means kernel defaults. */
    wl_datagram_config cfg = {0};
    cfg.buffers.recv = 1 << 20;
    wl_dgram *sock = NULL;
    rc = wl_datagram_bind(&cfg, &addr, &sock);
    if (rc < 0) return fail("wl_datagram_bind", rc);

    wl_recv_batch *in = NULL;
    wl_send_batch *out = NULL;
    int family = wl_socket_domain(wl_dgram_fd(sock));
    if ((rc = wl_recv_batch_new(family, BATCH, SLOT, &in)) < 0 ||
        (rc = wl_send_batch_new(family, BATCH, &out)) < 0) {
        wl_recv_batch_free(in);
        wl_dgram_free(sock);
        return fail("batch allocation", rc);
    }

    wl_addr local;
    char text[WL_ADDR_STRLEN];
    wl_socket_local_addr(wl_dgram_fd(sock), &local);
    wl_addr_format(&local, text, sizeof text);
    printf("listening on %s\n", text);
    fflush(stdout);

    int status = 0;
    for (long echoed = 0; max < 0 || echoed < max;) {
        int n = wl_dgram_recv_batch(sock, in, WL_MSG_WAITFORONE); /* one syscall */
        if (n == -EINTR) continue;
        if (n < 0) {
            status = fail("wl_dgram_recv_batch", n);
            break;
        }
        wl_send_batch_clear(out);
        for (int i = 0; i < n; i++) {
            wl_recv_msg m;
            wl_recv_batch_get(in, (size_t)i, &m);
            /* The send batch borrows the receive slots until it is sent. */
            wl_send_batch_push(out, m.data, m.data_len, &m.source);
        }
        int sent = wl_dgram_send_batch(sock, out, 0); /* one syscall */
        if (sent < 0) {
            status = fail("wl_dgram_send_batch", sent);
            break;
        }
        echoed += sent;
    }
    wl_send_batch_free(out);
    wl_recv_batch_free(in);
    wl_dgram_free(sock);
    return status;
}
