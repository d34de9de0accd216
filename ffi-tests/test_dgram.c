/* Datagram sockets: raw -> dgram -> dgram_conn, raw -> dgram_conn,
 * send_to/recv_from, flags, vectored, clone, pair, in every domain. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/uio.h>

static wl_dgram *bind_dgram(const char *text) {
    wl_addr a = wl_parse(text);
    wl_raw *raw = NULL;
    wl_dgram *d = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&a), SOCK_DGRAM, &raw));
    CHECK(wl_raw_type(raw) == SOCK_DGRAM);
    CHECK_OK(wl_raw_bind_dgram(raw, &a, &d));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(d), 5000));
    return d;
}

static void same_addr(const wl_addr *x, const wl_addr *y) {
    char a[WL_ADDR_STRLEN], b[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(x, a, sizeof a));
    CHECK_OK(wl_addr_format(y, b, sizeof b));
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "addresses differ: %s vs %s\n", a, b);
        exit(1);
    }
}

static void lifecycle(const char *text_a, const char *text_b) {
    wl_dgram *a = bind_dgram(text_a);
    wl_dgram *b = bind_dgram(text_b);
    wl_addr aa, ba, from;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(a), &aa));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(b), &ba));

    char buf[64];
    CHECK(wl_dgram_send_to(a, "ping", 4, &ba, 0) == 4);
    CHECK(wl_dgram_recv_from(b, buf, sizeof buf, &from, MSG_PEEK) == 4);
    CHECK(wl_dgram_recv_from(b, buf, sizeof buf, &from, 0) == 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    same_addr(&from, &aa);

    /* Truncation: MSG_TRUNC reports the real length. */
    CHECK(wl_dgram_send_to(a, "0123456789", 10, &ba, 0) == 10);
    CHECK(wl_dgram_recv_from(b, buf, 3, NULL, MSG_TRUNC) == 10);

    /* A clone receives on the same socket. */
    wl_dgram *clone = NULL;
    CHECK_OK(wl_dgram_try_clone(b, &clone));
    CHECK(wl_dgram_send_to(a, "c", 1, &ba, 0) == 1);
    CHECK(wl_dgram_recv_from(clone, buf, sizeof buf, NULL, 0) == 1);
    wl_dgram_free(clone);
    CHECK_ERR(wl_dgram_try_clone(b, NULL), EINVAL);

    /* Argument checks. */
    CHECK_ERR(wl_dgram_send_to(a, "x", 1, NULL, 0), EINVAL);
    CHECK_ERR(wl_dgram_send_to(a, NULL, 1, &ba, 0), EINVAL);
    CHECK_ERR(wl_dgram_recv_from(a, NULL, 1, NULL, 0), EINVAL);
    CHECK_ERR(wl_dgram_send_to(NULL, "x", 1, &ba, 0), EINVAL);
    wl_addr wrong = wl_parse(wl_addr_family(&ba) == AF_INET ? "[::1]:9" : "127.0.0.1:9");
    CHECK_ERR(wl_dgram_send_to(a, "x", 1, &wrong, 0), EAFNOSUPPORT);

    /* Connect a to b: send/recv without addresses. */
    wl_dgram_conn *ac = NULL;
    CHECK_OK(wl_dgram_connect(a, &ba, &ac));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_conn_fd(ac), 5000));
    wl_addr peer;
    CHECK_OK(wl_dgram_conn_peer_addr(ac, &peer));
    same_addr(&peer, &ba);
    CHECK(wl_dgram_conn_send(ac, "hi", 2, 0) == 2);
    CHECK(wl_dgram_recv_from(b, buf, sizeof buf, &from, 0) == 2);
    CHECK(wl_dgram_send_to(b, "back", 4, &from, 0) == 4);
    CHECK(wl_dgram_conn_recv(ac, buf, sizeof buf, 0) == 4);
    CHECK(memcmp(buf, "back", 4) == 0);

    struct iovec out[2] = {{(void *)"ab", 2}, {(void *)"c", 1}};
    CHECK(wl_dgram_conn_send_vectored(ac, out, 2) == 3);
    CHECK(wl_dgram_recv_from(b, buf, sizeof buf, NULL, 0) == 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK(wl_dgram_send_to(b, "xyz", 3, &from, 0) == 3);
    char x[1], y[2];
    struct iovec in[2] = {{x, 1}, {y, 2}};
    CHECK(wl_dgram_conn_recv_vectored(ac, in, 2) == 3);
    CHECK(x[0] == 'x' && memcmp(y, "yz", 2) == 0);

    wl_dgram_conn *acc = NULL;
    CHECK_OK(wl_dgram_conn_try_clone(ac, &acc));
    CHECK(wl_dgram_conn_send(acc, "k", 1, 0) == 1);
    CHECK(wl_dgram_recv_from(b, buf, sizeof buf, NULL, 0) == 1);
    wl_dgram_conn_free(acc);

    CHECK_ERR(wl_dgram_conn_send(ac, NULL, 1, 0), EINVAL);
    CHECK_ERR(wl_dgram_conn_recv(ac, NULL, 1, 0), EINVAL);
    CHECK_ERR(wl_dgram_conn_send_vectored(ac, NULL, 1), EINVAL);
    CHECK_ERR(wl_dgram_conn_recv_vectored(ac, NULL, 1), EINVAL);
    CHECK_ERR(wl_dgram_conn_peer_addr(ac, NULL), EINVAL);
    CHECK_ERR(wl_dgram_conn_try_clone(ac, NULL), EINVAL);

    /* Non-blocking receive with nothing queued. */
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_conn_fd(ac), true));
    CHECK_ERR(wl_dgram_conn_recv(ac, buf, sizeof buf, 0), EAGAIN);
    CHECK_ERR(wl_dgram_conn_recv(ac, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);

    wl_dgram_conn_free(ac);
    wl_dgram_free(b);
}

static void udp4(void) { lifecycle("127.0.0.1:0", "127.0.0.1:0"); }
static void udp6(void) { lifecycle("[::1]:0", "[::1]:0"); }

static void unix_dgram(void) {
    char p1[108], p2[108];
    wl_unique_path(p1, sizeof p1);
    wl_unique_path(p2, sizeof p2);
    lifecycle(p1, p2);
    CHECK(unlink(p1) == 0 && unlink(p2) == 0);
}

static void raw_connect_dgram(void) {
    wl_dgram *server = bind_dgram("127.0.0.1:0");
    wl_addr sa, from;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(server), &sa));
    wl_raw *raw = NULL;
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_connect_dgram(raw, &sa, &c));
    CHECK(wl_dgram_conn_send(c, "q", 1, 0) == 1);
    char b;
    CHECK(wl_dgram_recv_from(server, &b, 1, &from, 0) == 1 && b == 'q');
    wl_dgram_conn_free(c);
    wl_dgram_free(server);
}

static void pair(void) {
    wl_dgram_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_dgram_conn_pair(&a, &b));
    CHECK(wl_socket_domain(wl_dgram_conn_fd(a)) == AF_UNIX);
    CHECK(wl_dgram_conn_send(a, "one", 3, 0) == 3);
    char buf[8];
    CHECK(wl_dgram_conn_recv(b, buf, sizeof buf, 0) == 3);
    wl_dgram_conn_free(a);
    wl_dgram_conn_free(b);
    CHECK_ERR(wl_dgram_conn_pair(NULL, &b), EINVAL);
    CHECK_ERR(wl_dgram_conn_pair(&a, NULL), EINVAL);
}

int main(void) {
    wl_test_start(60);
    RUN(udp4);
    RUN(udp6);
    RUN(unix_dgram);
    RUN(raw_connect_dgram);
    RUN(pair);
    return wl_test_end("test_dgram");
}
