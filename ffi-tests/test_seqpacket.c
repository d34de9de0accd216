/* Unix SEQPACKET sockets: raw -> bound -> listener -> accept, raw ->
 * connect, pair; message boundaries kept; truncation reported with the
 * whole length (-EMSGSIZE + *msg_len); next_len; shutdown; peer address
 * and credentials; clone; fd/into_fd/from_fd of every state; argument
 * checks. */
#define _GNU_SOURCE
#include "check.h"

static wl_seqpacket_listener *listen_on(char *path, size_t len, wl_addr *addr) {
    wl_unique_path(path, len);
    CHECK_OK(wl_addr_unix(path, addr));
    wl_seqpacket_raw *raw = NULL;
    wl_seqpacket_bound *bound = NULL;
    wl_seqpacket_listener *l = NULL;
    CHECK_OK(wl_seqpacket_raw_new(0, &raw));
    CHECK_OK(wl_seqpacket_raw_bind(raw, addr, &bound));
    CHECK_OK(wl_seqpacket_bound_listen(bound, 8, &l));
    return l;
}

static void listen_accept_and_boundaries(void) {
    char path[108];
    wl_addr addr, peer;
    wl_seqpacket_listener *l = listen_on(path, sizeof path, &addr);
    wl_seqpacket_raw *raw = NULL;
    wl_seqpacket *client = NULL, *server = NULL;
    CHECK_OK(wl_seqpacket_raw_new(0, &raw));
    CHECK_OK(wl_seqpacket_raw_connect(raw, &addr, &client));
    CHECK_OK(wl_seqpacket_listener_accept(l, &server, &peer));
    CHECK(wl_addr_family(&peer) == AF_UNIX);
    CHECK_OK(wl_socket_set_read_timeout(wl_seqpacket_fd(server), 5000));

    /* Two sends are two messages, not one run of bytes. */
    CHECK(wl_seqpacket_send(client, "one", 3, 0) == 3);
    CHECK(wl_seqpacket_send(client, "second message", 14, 0) == 14);
    CHECK(wl_seqpacket_send(client, "", 0, 0) == 0);
    char buf[64];
    size_t whole = 0;
    CHECK(wl_seqpacket_next_len(server) == 3);
    CHECK(wl_seqpacket_recv(server, buf, sizeof buf, 0, &whole) == 3);
    CHECK(whole == 3 && memcmp(buf, "one", 3) == 0);
    CHECK(wl_seqpacket_recv(server, buf, sizeof buf, MSG_PEEK, NULL) == 14);
    CHECK(wl_seqpacket_recv(server, buf, sizeof buf, 0, NULL) == 14);
    CHECK(memcmp(buf, "second message", 14) == 0);
    CHECK(wl_seqpacket_recv(server, buf, sizeof buf, 0, &whole) == 0 && whole == 0); /* the empty message */

    /* The client's address is unnamed; the server's is the path. */
    wl_addr server_addr;
    CHECK_OK(wl_seqpacket_peer_addr(client, &server_addr));
    char text[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&server_addr, text, sizeof text));
    CHECK(strcmp(text, path) == 0);
    wl_ucred cred;
    CHECK_OK(wl_seqpacket_peer_credentials(server, &cred));
    CHECK(cred.pid == getpid() && cred.uid == getuid());

    /* After SHUT_WR the peer's receive returns 0. */
    CHECK_OK(wl_seqpacket_shutdown(client, SHUT_WR));
    CHECK(wl_seqpacket_recv(server, buf, sizeof buf, 0, NULL) == 0);
    CHECK_ERR(wl_seqpacket_shutdown(client, 99), EINVAL);
    CHECK_MSG("shutdown mode 99");

    /* A non-blocking listener with nobody waiting: -EAGAIN. */
    CHECK_OK(wl_socket_set_nonblocking(wl_seqpacket_listener_fd(l), true));
    wl_seqpacket *none = NULL;
    CHECK_ERR(wl_seqpacket_listener_accept(l, &none, NULL), EAGAIN);
    CHECK(none == NULL);

    wl_seqpacket_free(client);
    wl_seqpacket_free(server);
    wl_seqpacket_listener_free(l);
    unlink(path);
}

static void truncation_is_reported_with_the_whole_length(void) {
    wl_seqpacket *a = NULL, *b = NULL;
    CHECK_OK(wl_seqpacket_pair(&a, &b));
    CHECK(wl_seqpacket_send(a, "twelve bytes", 12, 0) == 12);
    CHECK(wl_seqpacket_send(a, "next", 4, 0) == 4);
    char small[6];
    size_t whole = 0;
    /* Peeking a too-long message: reported, and it stays queued. */
    CHECK_ERR(wl_seqpacket_recv(b, small, sizeof small, MSG_PEEK, &whole), EMSGSIZE);
    CHECK(whole == 12);
    CHECK(wl_seqpacket_next_len(b) == 12);
    whole = 0;
    CHECK_ERR(wl_seqpacket_recv(b, small, sizeof small, 0, &whole), EMSGSIZE);
    CHECK_MSG("the message was 12 bytes but the buffer holds 6");
    CHECK(whole == 12 && memcmp(small, "twelve", 6) == 0);
    /* The rest of that message is gone; the next one is intact. */
    char buf[16];
    CHECK(wl_seqpacket_recv(b, buf, sizeof buf, 0, NULL) == 4 && memcmp(buf, "next", 4) == 0);
    /* msg_len is optional; errors other than truncation leave it alone. */
    CHECK(wl_seqpacket_send(a, "0123456789", 10, 0) == 10);
    CHECK_ERR(wl_seqpacket_recv(b, small, sizeof small, 0, NULL), EMSGSIZE);
    whole = 777;
    CHECK_ERR(wl_seqpacket_recv(b, buf, sizeof buf, MSG_DONTWAIT, &whole), EAGAIN);
    CHECK(whole == 777);
    wl_seqpacket_free(a);
    wl_seqpacket_free(b);
}

static void pair_clone_and_peer_gone(void) {
    wl_seqpacket *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(wl_seqpacket_pair(&a, &b));
    CHECK(wl_domain_of(wl_seqpacket_fd(a)) == AF_UNIX);
    int type = 0;
    socklen_t tl = sizeof type;
    CHECK(getsockopt(wl_seqpacket_fd(a), SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_SEQPACKET);
    CHECK(fcntl(wl_seqpacket_fd(a), F_GETFD) & FD_CLOEXEC);
    CHECK_OK(wl_seqpacket_try_clone(b, &c));
    CHECK(wl_seqpacket_send(a, "via clone", 9, 0) == 9);
    char buf[16];
    CHECK(wl_seqpacket_recv(c, buf, sizeof buf, 0, NULL) == 9);
    wl_seqpacket_free(c);
    wl_seqpacket_free(b);
    /* The peer is gone: -EPIPE, and no SIGPIPE kills us. */
    CHECK_ERR(wl_seqpacket_send(a, "x", 1, 0), EPIPE);
    wl_seqpacket_free(a);
}

static void transition_failures_keep_the_handle(void) {
    wl_seqpacket_raw *raw = NULL;
    wl_seqpacket *conn = NULL;
    wl_seqpacket_bound *bound = NULL;
    CHECK_OK(wl_seqpacket_raw_new(0, &raw));
    /* Nobody listens there: refused, and `raw` is still ours. */
    wl_addr nowhere;
    CHECK_OK(wl_addr_unix("/tmp/wl-ffi-nobody-listens-here.sock", &nowhere));
    CHECK(wl_seqpacket_raw_connect(raw, &nowhere, &conn) < 0);
    CHECK(conn == NULL);
    /* An IPv4 address is not a Unix one. */
    wl_addr v4 = wl_parse("127.0.0.1:9");
    CHECK_ERR(wl_seqpacket_raw_bind(raw, &v4, &bound), EAFNOSUPPORT);
    CHECK_ERR(wl_seqpacket_raw_bind(raw, NULL, &bound), EINVAL);
    CHECK_ERR(wl_seqpacket_raw_bind(raw, &nowhere, NULL), EINVAL);
    CHECK_ERR(wl_seqpacket_raw_connect(raw, NULL, &conn), EINVAL);
    CHECK_ERR(wl_seqpacket_raw_new(0, NULL), EINVAL);
    /* Still usable after all that. */
    char path[108];
    wl_addr addr;
    wl_unique_path(path, sizeof path);
    CHECK_OK(wl_addr_unix(path, &addr));
    CHECK_OK(wl_seqpacket_raw_bind(raw, &addr, &bound));
    wl_seqpacket_listener *l = NULL;
    CHECK_ERR(wl_seqpacket_bound_listen(bound, 4, NULL), EINVAL);
    CHECK_ERR(wl_seqpacket_bound_listen(NULL, 4, &l), EINVAL);
    CHECK_OK(wl_seqpacket_bound_listen(bound, 4, &l));
    CHECK_ERR(wl_seqpacket_listener_accept(l, NULL, NULL), EINVAL);
    CHECK_ERR(wl_seqpacket_listener_accept(NULL, &conn, NULL), EINVAL);
    wl_seqpacket_listener_free(l);
    unlink(path);

    /* NULL handles are refused, never dereferenced. */
    char buf[4];
    CHECK_ERR(wl_seqpacket_send(NULL, "x", 1, 0), EINVAL);
    CHECK_ERR(wl_seqpacket_recv(NULL, buf, 1, 0, NULL), EINVAL);
    CHECK_ERR(wl_seqpacket_next_len(NULL), EINVAL);
    CHECK_ERR(wl_seqpacket_pair(NULL, &conn), EINVAL);
    wl_seqpacket_free(NULL);
    wl_seqpacket_raw_free(NULL);
    wl_seqpacket_bound_free(NULL);
    wl_seqpacket_listener_free(NULL);
}

/* Every state gives its descriptor away and takes it back, checked. */
static void fds_round_trip_through_every_state(void) {
    char path[108];
    wl_addr addr;
    wl_seqpacket_raw *raw = NULL, *raw2 = NULL;
    CHECK_OK(wl_seqpacket_raw_new(0, &raw));
    int fd = wl_seqpacket_raw_into_fd(raw);
    CHECK(fd >= 0);
    CHECK_OK(wl_seqpacket_raw_from_fd(fd, &raw2));
    CHECK(wl_seqpacket_raw_fd(raw2) == fd);

    wl_unique_path(path, sizeof path);
    CHECK_OK(wl_addr_unix(path, &addr));
    wl_seqpacket_bound *bound = NULL, *bound2 = NULL;
    CHECK_OK(wl_seqpacket_raw_bind(raw2, &addr, &bound));
    /* A bound socket is not a fresh one: refused, fd still ours. */
    fd = wl_seqpacket_bound_into_fd(bound);
    CHECK_ERR(wl_seqpacket_raw_from_fd(fd, &raw), EINVAL);
    CHECK(wl_fd_is_open(fd));
    CHECK_OK(wl_seqpacket_bound_from_fd(fd, &bound2));
    CHECK(wl_seqpacket_bound_fd(bound2) == fd);

    wl_seqpacket_listener *l = NULL, *l2 = NULL;
    CHECK_OK(wl_seqpacket_bound_listen(bound2, 4, &l));
    fd = wl_seqpacket_listener_into_fd(l);
    CHECK_OK(wl_seqpacket_listener_from_fd(fd, &l2));

    wl_seqpacket *a = NULL, *b = NULL, *a2 = NULL;
    CHECK_OK(wl_seqpacket_pair(&a, &b));
    fd = wl_seqpacket_into_fd(a);
    CHECK_OK(wl_seqpacket_from_fd(fd, &a2));
    CHECK(wl_seqpacket_send(a2, "hi", 2, 0) == 2);
    char buf[4];
    CHECK(wl_seqpacket_recv(b, buf, sizeof buf, 0, NULL) == 2);

    /* A Unix stream socket is not a seqpacket one. */
    wl_conn *s1 = NULL, *s2 = NULL;
    CHECK_OK(wl_conn_pair(&s1, &s2));
    fd = wl_conn_into_fd(s1);
    CHECK_ERR(wl_seqpacket_from_fd(fd, &a), EPROTOTYPE);
    CHECK(wl_fd_is_open(fd));
    close(fd);
    wl_conn_free(s2);
    CHECK_ERR(wl_seqpacket_from_fd(-1, &a), EBADF);
    CHECK_ERR(wl_seqpacket_listener_from_fd(-1, &l), EBADF);
    CHECK_ERR(wl_seqpacket_bound_from_fd(-1, &bound), EBADF);
    CHECK_ERR(wl_seqpacket_raw_from_fd(-1, &raw), EBADF);
    CHECK_ERR(wl_seqpacket_fd(NULL), EINVAL);
    CHECK_ERR(wl_seqpacket_into_fd(NULL), EINVAL);

    wl_seqpacket_free(a2);
    wl_seqpacket_free(b);
    wl_seqpacket_listener_free(l2);
    unlink(path);
}

int main(void) {
    wl_test_start(60);
    RUN(listen_accept_and_boundaries);
    RUN(truncation_is_reported_with_the_whole_length);
    RUN(pair_clone_and_peer_gone);
    RUN(transition_failures_keep_the_handle);
    RUN(fds_round_trip_through_every_state);
    return wl_test_end("test_seqpacket");
}
