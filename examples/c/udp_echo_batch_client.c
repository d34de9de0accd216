/*
 * udp_echo_batch_client ADDR MESSAGE...
 *
 * Sends every MESSAGE as its own datagram in one sendmmsg(2) over a
 * connected UDP socket, then receives the echoes with recvmmsg(2) and
 * prints one "echo: ..." line per datagram.
 *
 *   ./udp_echo_batch_client 127.0.0.1:9000 one two three
 */
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "wirelane.h"

enum { MAX = 64 };

static int fail(const char *what, int rc) {
    char msg[512];
    wl_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s failed: %s (%s)\n", what, wl_strerror(rc), msg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc - 2 > MAX) {
        fprintf(stderr, "usage: %s ADDR MESSAGE... (at most %d)\n", argv[0], MAX);
        return 2;
    }
    wl_addr peer;
    int rc = wl_addr_parse(argv[1], &peer);
    if (rc < 0) return fail("wl_addr_parse", rc);

    wl_dgram_conn *sock = NULL;
    rc = wl_datagram_connect(NULL, &peer, &sock);
    if (rc < 0) return fail("wl_datagram_connect", rc);
    wl_socket_set_read_timeout(wl_dgram_conn_fd(sock), 5000);

    size_t count = (size_t)(argc - 2);
    struct iovec msgs[MAX];
    for (size_t i = 0; i < count; i++) {
        msgs[i].iov_base = argv[i + 2];
        msgs[i].iov_len = strlen(argv[i + 2]);
    }
    int sent = wl_dgram_conn_sendmmsg(sock, msgs, count, NULL); /* one syscall */
    if (sent < 0) {
        wl_dgram_conn_free(sock);
        return fail("wl_dgram_conn_sendmmsg", sent);
    }

    wl_recv_batch *in = NULL;
    rc = wl_recv_batch_new(wl_socket_domain(wl_dgram_conn_fd(sock)), MAX, 2048, &in);
    if (rc < 0) {
        wl_dgram_conn_free(sock);
        return fail("wl_recv_batch_new", rc);
    }
    for (int got = 0; got < sent;) {
        int n = wl_dgram_conn_recv_batch(sock, in, WL_MSG_WAITFORONE);
        if (n < 0) {
            wl_recv_batch_free(in);
            wl_dgram_conn_free(sock);
            return fail("wl_dgram_conn_recv_batch", n);
        }
        for (int i = 0; i < n; i++, got++) {
            wl_recv_msg m;
            wl_recv_batch_get(in, (size_t)i, &m);
            printf("echo: %.*s\n", (int)m.data_len, (const char *)m.data);
        }
    }
    wl_recv_batch_free(in);
    wl_dgram_conn_free(sock);
    return 0;
}
