/* Ownership on failure: a failed transition leaves its input valid and
 * owned by the caller and writes no output; NULL or malformed arguments
 * are rejected before anything is consumed; adopting and releasing fds. */
#define _GNU_SOURCE
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#define SENTINEL(T) ((T *)0x1)

static void bind_failure_keeps_raw(void) {
    wl_addr taken_addr;
    wl_listener *taken = wl_listen_on("127.0.0.1:0", &taken_addr);

    wl_raw *raw = NULL;
    wl_bound *bound = SENTINEL(wl_bound);
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    int fd = wl_raw_fd(raw);
    CHECK_ERR(wl_raw_bind(raw, &taken_addr, &bound), EADDRINUSE);
    CHECK(bound == SENTINEL(wl_bound));
    /* Same handle, same socket: retry elsewhere. */
    CHECK(wl_raw_fd(raw) == fd);
    wl_addr any = wl_parse("127.0.0.1:0");
    CHECK_OK(wl_raw_bind(raw, &any, &bound));
    CHECK(wl_bound_fd(bound) == fd);
    wl_bound_free(bound);
    wl_listener_free(taken);
}

static void bad_arguments_consume_nothing(void) {
    wl_raw *raw = NULL;
    wl_bound *bound = SENTINEL(wl_bound);
    wl_conn *conn = SENTINEL(wl_conn);
    wl_dgram *dgram = SENTINEL(wl_dgram);
    wl_dgram_conn *dconn = SENTINEL(wl_dgram_conn);
    wl_addr v4 = wl_parse("127.0.0.1:0");
    wl_addr v6 = wl_parse("[::1]:0");
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));

    CHECK_ERR(wl_raw_bind(raw, NULL, &bound), EINVAL);
    CHECK_ERR(wl_raw_bind(raw, &v4, NULL), EINVAL);
    CHECK_ERR(wl_raw_bind(NULL, &v4, &bound), EINVAL);
    CHECK_ERR(wl_raw_bind(raw, &v6, &bound), EAFNOSUPPORT);
    CHECK_MSG("AF_INET6");
    wl_addr broken = v4;
    broken.len = 0;
    CHECK_ERR(wl_raw_bind(raw, &broken, &bound), EINVAL);
    CHECK_ERR(wl_raw_connect(raw, NULL, &conn), EINVAL);
    CHECK_ERR(wl_raw_connect(raw, &v4, NULL), EINVAL);
    /* Stream vs datagram inside a wl_raw: a clear error, nothing lost. */
    CHECK_ERR(wl_raw_bind_dgram(raw, &v4, &dgram), EPROTOTYPE);
    CHECK_MSG("use wl_raw_bind");
    CHECK_ERR(wl_raw_connect_dgram(raw, &v4, &dconn), EPROTOTYPE);
    CHECK(bound == SENTINEL(wl_bound) && conn == SENTINEL(wl_conn));
    CHECK(dgram == SENTINEL(wl_dgram) && dconn == SENTINEL(wl_dgram_conn));
    CHECK_OK(wl_raw_bind(raw, &v4, &bound)); /* still fully usable */
    wl_listener *listener = SENTINEL(wl_listener);
    CHECK_ERR(wl_bound_listen(bound, 4, NULL), EINVAL);
    CHECK_ERR(wl_bound_listen(NULL, 4, &listener), EINVAL);
    CHECK(listener == SENTINEL(wl_listener));
    CHECK_OK(wl_bound_listen(bound, 4, &listener));
    wl_listener_free(listener);

    CHECK_OK(wl_raw_new(AF_INET6, SOCK_DGRAM, &raw));
    CHECK_ERR(wl_raw_bind(raw, &v6, &bound), EPROTOTYPE);
    CHECK_MSG("use wl_raw_bind_dgram");
    CHECK_ERR(wl_raw_connect(raw, &v6, &conn), EPROTOTYPE);
    CHECK_ERR(wl_raw_bind_dgram(raw, &v4, &dgram), EAFNOSUPPORT);
    CHECK_ERR(wl_raw_bind_dgram(raw, &v6, NULL), EINVAL);
    CHECK_ERR(wl_raw_connect_dgram(raw, NULL, &dconn), EINVAL);
    CHECK_OK(wl_raw_bind_dgram(raw, &v6, &dgram));
    CHECK_ERR(wl_dgram_connect(dgram, NULL, &dconn), EINVAL);
    CHECK_ERR(wl_dgram_connect(dgram, &v6, NULL), EINVAL);
    CHECK_ERR(wl_dgram_connect(dgram, &v4, &dconn), EAFNOSUPPORT);
    CHECK_ERR(wl_dgram_connect(NULL, &v6, &dconn), EINVAL);
    CHECK(dconn == SENTINEL(wl_dgram_conn));
    wl_addr self;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(dgram), &self));
    CHECK_OK(wl_dgram_connect(dgram, &self, &dconn));
    wl_dgram_conn_free(dconn);

    CHECK_ERR(wl_raw_new(AF_INET, SOCK_STREAM, NULL), EINVAL);
    CHECK_ERR(wl_raw_new(AF_APPLETALK, SOCK_STREAM, &raw), EAFNOSUPPORT);
    CHECK_ERR(wl_raw_new(AF_INET, SOCK_RAW, &raw), EPROTOTYPE);
    CHECK_ERR(wl_raw_new(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, &raw), EPROTOTYPE);
}

static void connect_refused_keeps_raw(void) {
    wl_addr addr = wl_parse("127.0.0.1:0");
    wl_raw *blocker_raw = NULL;
    wl_bound *blocker = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &blocker_raw));
    CHECK_OK(wl_raw_bind(blocker_raw, &addr, &blocker));
    CHECK_OK(wl_socket_local_addr(wl_bound_fd(blocker), &addr)); /* bound, not listening */

    wl_raw *raw = NULL;
    wl_conn *conn = SENTINEL(wl_conn);
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_ERR(wl_raw_connect(raw, &addr, &conn), ECONNREFUSED);
    CHECK(conn == SENTINEL(wl_conn));
    /* The same handle can connect elsewhere. */
    wl_addr laddr;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &laddr);
    CHECK_OK(wl_raw_connect(raw, &laddr, &conn));
    wl_conn_free(conn);
    wl_listener_free(listener);
    wl_bound_free(blocker);
}

static void free_null_is_a_no_op(void) {
    wl_raw_free(NULL);
    wl_bound_free(NULL);
    wl_listener_free(NULL);
    wl_conn_free(NULL);
    wl_pending_free(NULL);
    wl_dgram_free(NULL);
    wl_dgram_conn_free(NULL);
}

static void into_fd_hands_over_the_descriptor(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    int fd = wl_conn_into_fd(a); /* `a` is gone; fd is ours */
    CHECK(fd >= 0 && wl_fd_is_open(fd));
    CHECK(write(fd, "k", 1) == 1);
    char c;
    CHECK(wl_conn_recv(b, &c, 1, 0) == 1 && c == 'k');
    CHECK(close(fd) == 0);
    CHECK_ERR(wl_conn_into_fd(NULL), EINVAL);
    wl_conn_free(b);
}

static int tcp_socket(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(fd >= 0);
    return fd;
}

static void bind_loopback(int fd) {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
}

static void from_fd_adopts_each_state(void) {
    /* raw */
    int fd = tcp_socket();
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_from_fd(fd, &raw));
    CHECK(wl_raw_fd(raw) == fd && wl_raw_type(raw) == SOCK_STREAM);
    wl_raw_free(raw);
    CHECK(!wl_fd_is_open(fd));

    /* bound */
    fd = tcp_socket();
    bind_loopback(fd);
    wl_bound *bound = NULL;
    CHECK_OK(wl_bound_from_fd(fd, &bound));
    wl_listener *listener = NULL;
    CHECK_OK(wl_bound_listen(bound, 4, &listener));
    int lfd = wl_listener_into_fd(listener);

    /* listener */
    CHECK_OK(wl_listener_from_fd(lfd, &listener));
    wl_addr laddr;
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(listener), &laddr));

    /* conn: a plain connect(2), adopted */
    fd = tcp_socket();
    CHECK(connect(fd, (struct sockaddr *)&laddr.storage, laddr.len) == 0);
    wl_conn *conn = NULL, *server = NULL;
    CHECK_OK(wl_conn_from_fd(fd, &conn));
    CHECK_OK(wl_listener_accept(listener, &server, NULL));
    CHECK(wl_conn_send(conn, "a", 1, 0) == 1);
    wl_conn_free(conn);
    wl_conn_free(server);
    wl_listener_free(listener);

    /* dgram and dgram_conn */
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bind_loopback(fd);
    wl_dgram *d = NULL;
    CHECK_OK(wl_dgram_from_fd(fd, &d));
    wl_addr self;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(d), &self));
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(connect(fd, (struct sockaddr *)&self.storage, self.len) == 0);
    wl_dgram_conn *dc = NULL;
    CHECK_OK(wl_dgram_conn_from_fd(fd, &dc));
    CHECK(wl_dgram_conn_send(dc, "u", 1, 0) == 1);
    wl_dgram_conn_free(dc);
    wl_dgram_free(d);
}

static void from_fd_failure_leaves_fd_with_caller(void) {
    wl_conn *conn = SENTINEL(wl_conn);
    wl_raw *raw = SENTINEL(wl_raw);
    wl_listener *listener = SENTINEL(wl_listener);
    wl_dgram *dgram = SENTINEL(wl_dgram);
    wl_bound *bound = SENTINEL(wl_bound);
    wl_dgram_conn *dconn = SENTINEL(wl_dgram_conn);

    /* A fresh TCP socket is not connected, not listening, not a datagram. */
    int fd = tcp_socket();
    CHECK_ERR(wl_conn_from_fd(fd, &conn), EINVAL);
    CHECK_MSG("expected Connected");
    CHECK_ERR(wl_listener_from_fd(fd, &listener), EINVAL);
    CHECK_ERR(wl_bound_from_fd(fd, &bound), EINVAL);
    CHECK_ERR(wl_dgram_from_fd(fd, &dgram), EPROTOTYPE);
    CHECK_ERR(wl_dgram_conn_from_fd(fd, &dconn), EPROTOTYPE);
    CHECK_ERR(wl_raw_from_fd(fd, NULL), EINVAL);
    CHECK(wl_fd_is_open(fd));
    CHECK(close(fd) == 0);

    /* Not a socket at all. */
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    CHECK_ERR(wl_raw_from_fd(pipefd[0], &raw), ENOTSOCK);
    CHECK(wl_fd_is_open(pipefd[0]));
    close(pipefd[0]);
    close(pipefd[1]);

    /* An unsupported family. */
    fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(fd >= 0);
    CHECK_ERR(wl_raw_from_fd(fd, &raw), EAFNOSUPPORT);
    CHECK(wl_fd_is_open(fd));
    close(fd);

    /* Negative and closed descriptors. */
    CHECK_ERR(wl_raw_from_fd(-1, &raw), EBADF);
    fd = tcp_socket();
    close(fd);
    CHECK_ERR(wl_raw_from_fd(fd, &raw), EBADF);

    CHECK(conn == SENTINEL(wl_conn) && raw == SENTINEL(wl_raw) && listener == SENTINEL(wl_listener));
    CHECK(dgram == SENTINEL(wl_dgram) && bound == SENTINEL(wl_bound) && dconn == SENTINEL(wl_dgram_conn));
}

int main(void) {
    wl_test_start(60);
    RUN(bind_failure_keeps_raw);
    RUN(bad_arguments_consume_nothing);
    RUN(connect_refused_keeps_raw);
    RUN(free_null_is_a_no_op);
    RUN(into_fd_hands_over_the_descriptor);
    RUN(from_fd_adopts_each_state);
    RUN(from_fd_failure_leaves_fd_with_caller);
    return wl_test_end("test_ownership");
}
