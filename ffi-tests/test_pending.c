/* Non-blocking connect: raw -> pending -> conn, failures keep the handle. */
#define _GNU_SOURCE
#include "check.h"

static void connects(const char *text) {
    wl_addr addr;
    wl_listener *listener = wl_listen_on(text, &addr);
    wl_raw *raw = NULL;
    wl_pending *pending = NULL;
    wl_conn *conn = NULL, *server = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&addr), SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect_nonblocking(raw, &addr, &pending));
    CHECK(wl_socket_domain(wl_pending_fd(pending)) == wl_addr_family(&addr));
    CHECK(wl_socket_is_nonblocking(wl_pending_fd(pending)) == 1);
    CHECK(wl_pending_wait(pending, 5000) == 1);
    CHECK_ERR(wl_pending_finish(pending, NULL), EINVAL); /* nothing consumed */
    CHECK_OK(wl_pending_finish(pending, &conn));
    /* The connected socket stays non-blocking. */
    CHECK(wl_socket_is_nonblocking(wl_conn_fd(conn)) == 1);
    CHECK_OK(wl_listener_accept(listener, &server, NULL));
    CHECK(wl_conn_send(conn, "x", 1, 0) == 1);
    char c;
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(server), 5000));
    CHECK(wl_conn_recv(server, &c, 1, 0) == 1 && c == 'x');
    wl_conn_free(conn);
    wl_conn_free(server);
    wl_listener_free(listener);
}

static void tcp4(void) { connects("127.0.0.1:0"); }
static void tcp6(void) { connects("[::1]:0"); }

static void unix_stream(void) {
    char path[108];
    wl_unique_path(path, sizeof path);
    connects(path);
    CHECK(unlink(path) == 0);
}

/* A port that is bound but not listening refuses connections. */
static wl_bound *closed_port(wl_addr *addr) {
    wl_addr any = wl_parse("127.0.0.1:0");
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_bind(raw, &any, &bound));
    CHECK_OK(wl_socket_local_addr(wl_bound_fd(bound), addr));
    return bound;
}

static void refused_keeps_the_pending_handle(void) {
    wl_addr addr;
    wl_bound *blocker = closed_port(&addr);
    wl_raw *raw = NULL;
    wl_pending *pending = NULL;
    wl_conn *conn = (wl_conn *)0x1;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect_nonblocking(raw, &addr, &pending));
    CHECK(wl_pending_wait(pending, 5000) == 1);
    CHECK_ERR(wl_pending_finish(pending, &conn), ECONNREFUSED);
    CHECK(conn == (wl_conn *)0x1);
    /* Still valid: the error was consumed, so the next finish says ENOTCONN. */
    int err = -1;
    CHECK_OK(wl_socket_take_error(wl_pending_fd(pending), &err));
    CHECK(err == 0);
    CHECK_ERR(wl_pending_finish(pending, &conn), ENOTCONN);
    CHECK(wl_pending_fd(pending) >= 0);
    wl_pending_free(pending);
    wl_bound_free(blocker);
}

static void take_error_reports_the_failure(void) {
    wl_addr addr;
    wl_bound *blocker = closed_port(&addr);
    wl_raw *raw = NULL;
    wl_pending *pending = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect_nonblocking(raw, &addr, &pending));
    CHECK(wl_pending_wait(pending, 5000) == 1);
    int err = 0;
    CHECK_OK(wl_socket_take_error(wl_pending_fd(pending), &err));
    CHECK(err == ECONNREFUSED);
    wl_pending_free(pending);
    wl_bound_free(blocker);
}

/* With backlog 0 and no accept, later SYNs are dropped: those connects
 * stay in flight, finish says EAGAIN and keeps the handle. */
static void in_flight_finish_is_eagain(void) {
    wl_addr addr = wl_parse("127.0.0.1:0");
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    wl_listener *listener = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_bind(raw, &addr, &bound));
    CHECK_OK(wl_bound_listen(bound, 0, &listener));
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(listener), &addr));

    enum { N = 4 };
    wl_pending *p[N];
    for (int i = 0; i < N; i++) {
        CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
        CHECK_OK(wl_raw_connect_nonblocking(raw, &addr, &p[i]));
    }
    usleep(100 * 1000);
    int in_flight = 0;
    for (int i = 0; i < N; i++) {
        if (wl_pending_wait(p[i], 0) == 0) {
            wl_conn *conn = (wl_conn *)0x1;
            CHECK_ERR(wl_pending_finish(p[i], &conn), EAGAIN);
            CHECK(conn == (wl_conn *)0x1);
            in_flight++;
        }
    }
    CHECK(in_flight > 0);
    for (int i = 0; i < N; i++) {
        wl_pending_free(p[i]);
    }
    wl_listener_free(listener);
}

static void argument_checks(void) {
    wl_addr addr = wl_parse("127.0.0.1:9");
    wl_raw *raw = NULL;
    wl_pending *pending = (wl_pending *)0x1;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_ERR(wl_raw_connect_nonblocking(raw, NULL, &pending), EINVAL);
    CHECK_ERR(wl_raw_connect_nonblocking(raw, &addr, NULL), EINVAL);
    CHECK(pending == (wl_pending *)0x1);
    CHECK_ERR(wl_pending_wait(NULL, 0), EINVAL);
    CHECK_ERR(wl_pending_finish(NULL, NULL), EINVAL);
    wl_raw_free(raw);
    /* A datagram socket cannot connect_nonblocking. */
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    CHECK_ERR(wl_raw_connect_nonblocking(raw, &addr, &pending), EPROTOTYPE);
    CHECK_MSG("wl_raw_connect_dgram");
    wl_raw_free(raw);
}

int main(void) {
    wl_test_start(60);
    RUN(tcp4);
    RUN(tcp6);
    RUN(unix_stream);
    RUN(refused_keeps_the_pending_handle);
    RUN(take_error_reports_the_failure);
    RUN(in_flight_finish_is_eagain);
    RUN(argument_checks);
    return wl_test_end("test_pending");
}
