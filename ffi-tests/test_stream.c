/* Stream sockets: raw -> bound -> listener -> accept, raw -> connect,
 * send/recv (plain, flags, vectored), shutdown, clone, pair, credentials,
 * in every domain. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/uio.h>

static void round_trip(wl_conn *a, wl_conn *b) {
    char buf[16] = {0};
    CHECK(wl_conn_send(a, "hello", 5, 0) == 5);
    CHECK(wl_conn_recv(b, buf, 2, MSG_PEEK) == 2);
    CHECK(memcmp(buf, "he", 2) == 0);
    CHECK(wl_conn_recv(b, buf, 5, MSG_WAITALL) == 5);
    CHECK(memcmp(buf, "hello", 5) == 0);

    struct iovec out[2] = {{(void *)"ab", 2}, {(void *)"cde", 3}};
    CHECK(wl_conn_send_vectored(b, out, 2) == 5);
    char x[2], y[3];
    struct iovec in[2] = {{x, sizeof x}, {y, sizeof y}};
    ssize_t n = 0;
    while (n < 5) {
        ssize_t got = wl_conn_recv_vectored(a, in, 2);
        CHECK_OK(got);
        CHECK(got > 0);
        n += got;
        /* Loopback delivers both pieces at once; keep it simple. */
        CHECK(n == 5);
    }
    CHECK(memcmp(x, "ab", 2) == 0 && memcmp(y, "cde", 3) == 0);

    /* Zero-length send with NULL buffer is allowed, like send(2). */
    CHECK(wl_conn_send(a, NULL, 0, 0) == 0);
    CHECK_ERR(wl_conn_send(a, NULL, 1, 0), EINVAL);
    CHECK_ERR(wl_conn_recv(a, NULL, 1, 0), EINVAL);
    CHECK(wl_conn_send_vectored(a, NULL, 0) == 0);
    CHECK_ERR(wl_conn_send_vectored(a, NULL, 1), EINVAL);
    CHECK_ERR(wl_conn_recv_vectored(a, NULL, 1), EINVAL);
}

static void lifecycle(const char *listen_text) {
    wl_addr laddr, peer, local, remote;
    wl_listener *listener = wl_listen_on(listen_text, &laddr);
    CHECK(wl_socket_domain(wl_listener_fd(listener)) == wl_addr_family(&laddr));

    wl_raw *raw = NULL;
    wl_conn *client = NULL, *server = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&laddr), SOCK_STREAM, &raw));
    CHECK(wl_raw_type(raw) == SOCK_STREAM);
    CHECK_OK(wl_raw_connect(raw, &laddr, &client));
    CHECK_OK(wl_listener_accept(listener, &server, &peer));
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(server), 5000));
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(client), 5000));

    /* The peer the listener saw is the client's local address. */
    CHECK_OK(wl_socket_local_addr(wl_conn_fd(client), &local));
    CHECK_OK(wl_conn_peer_addr(server, &remote));
    char s1[WL_ADDR_STRLEN], s2[WL_ADDR_STRLEN], s3[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&local, s1, sizeof s1));
    CHECK_OK(wl_addr_format(&remote, s2, sizeof s2));
    CHECK_OK(wl_addr_format(&peer, s3, sizeof s3));
    CHECK(strcmp(s1, s2) == 0 && strcmp(s2, s3) == 0);
    CHECK_OK(wl_conn_peer_addr(client, &remote));
    CHECK_OK(wl_addr_format(&remote, s1, sizeof s1));
    CHECK_OK(wl_addr_format(&laddr, s2, sizeof s2));
    CHECK(strcmp(s1, s2) == 0);

    round_trip(client, server);
    round_trip(server, client);

    /* A clone shares the connection; each handle is freed. */
    wl_conn *clone = NULL;
    CHECK_OK(wl_conn_try_clone(client, &clone));
    CHECK(wl_conn_fd(clone) != wl_conn_fd(client));
    CHECK(wl_conn_send(clone, "z", 1, 0) == 1);
    char c = 0;
    CHECK(wl_conn_recv(server, &c, 1, 0) == 1 && c == 'z');
    wl_conn_free(clone);
    CHECK_ERR(wl_conn_try_clone(client, NULL), EINVAL);

    /* Shutdown: the peer reads end-of-stream; the handle stays valid. */
    CHECK_ERR(wl_conn_shutdown(client, 42), EINVAL);
    CHECK_OK(wl_conn_shutdown(client, SHUT_WR));
    CHECK(wl_conn_recv(server, &c, 1, 0) == 0);
    CHECK_OK(wl_conn_shutdown(server, SHUT_RDWR));

    if (wl_addr_family(&laddr) == AF_UNIX) {
        wl_ucred cred;
        CHECK_OK(wl_conn_peer_credentials(server, &cred));
        CHECK(cred.pid == getpid() && cred.uid == getuid() && cred.gid == getgid());
        CHECK_ERR(wl_conn_peer_credentials(server, NULL), EINVAL);
    } else {
        wl_ucred cred;
        CHECK_ERR(wl_conn_peer_credentials(server, &cred), EAFNOSUPPORT);
    }

    wl_conn_free(client);
    wl_conn_free(server);
    wl_listener_free(listener);
}

static void tcp4(void) { lifecycle("127.0.0.1:0"); }
static void tcp6(void) { lifecycle("[::1]:0"); }

static void unix_path(void) {
    char path[108];
    wl_unique_path(path, sizeof path);
    lifecycle(path);
    CHECK(unlink(path) == 0);
}

static void unix_abstract(void) {
    char name[64];
    snprintf(name, sizeof name, "@wl-ffi-%ld", (long)getpid());
    lifecycle(name);
}

static void pair_and_credentials(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK(wl_socket_domain(wl_conn_fd(a)) == AF_UNIX);
    round_trip(a, b);
    wl_ucred cred;
    CHECK_OK(wl_conn_peer_credentials(a, &cred));
    CHECK(cred.pid == getpid());
    wl_conn_free(a);
    wl_conn_free(b);
    CHECK_ERR(wl_conn_pair(NULL, &b), EINVAL);
    CHECK_ERR(wl_conn_pair(&a, NULL), EINVAL);
}

static void nonblocking_accept(void) {
    wl_addr addr;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &addr);
    wl_conn *conn = (wl_conn *)0x1; /* must stay untouched on failure */
    wl_addr peer;
    CHECK_OK(wl_socket_set_nonblocking(wl_listener_fd(listener), true));
    CHECK(wl_socket_is_nonblocking(wl_listener_fd(listener)) == 1);
    CHECK_ERR(wl_listener_accept(listener, &conn, &peer), EAGAIN);
    CHECK(conn == (wl_conn *)0x1);

    wl_raw *raw = NULL;
    wl_conn *client = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect(raw, &addr, &client));
    CHECK_OK(wl_listener_accept(listener, &conn, NULL));
    /* Accepted sockets are blocking whatever the listener's mode. */
    CHECK(wl_socket_is_nonblocking(wl_conn_fd(conn)) == 0);
    CHECK_ERR(wl_listener_accept(listener, NULL, NULL), EINVAL);
    CHECK_ERR(wl_listener_accept(NULL, &conn, NULL), EINVAL);
    wl_conn_free(conn);
    wl_conn_free(client);
    wl_listener_free(listener);
}

static void peer_gone_reads_eof_and_send_fails(void) {
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    wl_conn_free(b);
    char c;
    CHECK(wl_conn_recv(a, &c, 1, 0) == 0);
    /* First send may succeed (RST comes back); then EPIPE/ECONNRESET, no SIGPIPE. */
    ssize_t rc = 0;
    for (int i = 0; i < 100 && rc >= 0; i++) {
        rc = wl_conn_send(a, "x", 1, 0);
        if (rc >= 0) usleep(1000);
    }
    CHECK(rc == -EPIPE || rc == -ECONNRESET);
    wl_conn_free(a);
}

int main(void) {
    wl_test_start(60);
    RUN(tcp4);
    RUN(tcp6);
    RUN(unix_path);
    RUN(unix_abstract);
    RUN(pair_and_credentials);
    RUN(nonblocking_accept);
    RUN(peer_gone_reads_eof_and_send_fails);
    return wl_test_end("test_stream");
}
