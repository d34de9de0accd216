/* Connect by name: the blocking wl_connect_by_name / wl_dgram_connect_by_name
 * and the event-loop form wl_connector (fds + timeout + step), with every
 * failed attempt named in the error message and no descriptor leaked. */
#define _GNU_SOURCE
#include <poll.h>
#include "check.h"

static wl_bound *closed_port(const char *text, wl_addr *addr) {
    wl_addr any = wl_parse(text);
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    CHECK_OK(wl_raw_new(wl_addr_family(&any), SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_bind(raw, &any, &bound));
    CHECK_OK(wl_socket_local_addr(wl_bound_fd(bound), addr));
    return bound;
}

static void echo(wl_conn *client, wl_listener *listener) {
    wl_conn *server = NULL;
    char c = 0;
    CHECK_OK(wl_listener_accept(listener, &server, NULL));
    CHECK(wl_conn_send(client, "x", 1, 0) == 1);
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(server), 5000));
    CHECK(wl_conn_recv(server, &c, 1, 0) == 1 && c == 'x');
    wl_conn_free(server);
}

static void blocking_by_name(void) {
    wl_addr addr;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &addr);
    wl_conn *conn = NULL;
    CHECK_OK(wl_connect_by_name("localhost", (uint16_t)wl_addr_port(&addr), NULL, &conn));
    CHECK(wl_domain_of(wl_conn_fd(conn)) == AF_INET);
    CHECK(wl_socket_is_nonblocking(wl_conn_fd(conn)) == 0);
    echo(conn, listener);
    wl_conn_free(conn);
    wl_listener_free(listener);

    /* An IPv6 literal, with options. */
    listener = wl_listen_on("[::1]:0", &addr);
    wl_connect_opts opts = {0};
    opts.attempt_delay_ms = 100;
    opts.timeout_ms = 5000;
    CHECK_OK(wl_connect_by_name("[::1]", (uint16_t)wl_addr_port(&addr), &opts, &conn));
    CHECK(wl_domain_of(wl_conn_fd(conn)) == AF_INET6);
    echo(conn, listener);
    wl_conn_free(conn);
    wl_listener_free(listener);
}

static void fast_open_data_arrives(void) {
    wl_addr addr;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &addr);
    wl_conn *conn = NULL, *server = NULL;
    wl_connect_opts opts = {0};
    opts.fastopen_data = (const uint8_t *)"hello";
    opts.fastopen_len = 5;
    CHECK_OK(wl_connect_by_name("127.0.0.1", (uint16_t)wl_addr_port(&addr), &opts, &conn));
    CHECK_OK(wl_listener_accept(listener, &server, NULL));
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(server), 5000));
    char buf[5];
    size_t got = 0;
    while (got < sizeof buf) {
        ssize_t n = wl_conn_recv(server, buf + got, sizeof buf - got, 0);
        CHECK(n > 0);
        got += (size_t)n;
    }
    CHECK(memcmp(buf, "hello", 5) == 0);
    wl_conn_free(server);
    wl_conn_free(conn);
    wl_listener_free(listener);
}

static void every_attempt_is_reported(void) {
    wl_addr a4, a6;
    wl_bound *b4 = closed_port("127.0.0.1:0", &a4);
    wl_bound *b6 = closed_port("[::1]:0", &a6);
    wl_addr addrs[2] = {a6, a4};
    wl_connector *race = NULL;
    CHECK_OK(wl_connector_start_addrs("two.test", addrs, 2, NULL, &race));
    wl_conn *conn = (wl_conn *)0x1;
    int rc;
    while ((rc = wl_connector_step(race, &conn)) == -EAGAIN) {
        struct pollfd pfds[4];
        int fds[4];
        int n = wl_connector_fds(race, fds, 4);
        CHECK(n >= 0 && n <= 4);
        for (int i = 0; i < n; i++) {
            pfds[i].fd = fds[i];
            pfds[i].events = POLLOUT;
            pfds[i].revents = 0;
        }
        int ms = 0;
        CHECK_OK(wl_connector_timeout_ms(race, &ms));
        CHECK(poll(pfds, (nfds_t)n, ms) >= 0);
    }
    CHECK(rc == -ECONNREFUSED);
    CHECK(conn == (wl_conn *)0x1);
    CHECK_MSG("two.test");
    char a4s[WL_ADDR_STRLEN], a6s[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&a4, a4s, sizeof a4s));
    CHECK_OK(wl_addr_format(&a6, a6s, sizeof a6s));
    CHECK_MSG(a4s);
    CHECK_MSG(a6s);
    /* Each failure, one by one. */
    wl_connect_failure failures[4];
    CHECK(wl_connector_failures(race, failures, 4) == 2);
    CHECK(failures[0].error == ECONNREFUSED && failures[1].error == ECONNREFUSED);
    CHECK(wl_addr_port(&failures[0].addr) == wl_addr_port(&a6));
    CHECK(wl_addr_family(&failures[0].addr) == AF_INET6);
    CHECK(wl_addr_family(&failures[1].addr) == AF_INET);
    CHECK(wl_connector_failures(race, NULL, 0) == 2);
    CHECK_ERR(wl_connector_failures(NULL, NULL, 0), EINVAL);
    CHECK_ERR(wl_connector_failures(race, NULL, 1), EINVAL);
    /* The race is over: further steps say so; the handle is still freed. */
    CHECK_ERR(wl_connector_step(race, &conn), EINVAL);
    CHECK_MSG("already over");
    wl_connector_free(race);

    /* The blocking call reports the same way. */
    CHECK_ERR(wl_connect_by_name("127.0.0.1", (uint16_t)wl_addr_port(&a4), NULL, &conn), ECONNREFUSED);
    CHECK_MSG(a4s);
    CHECK_ERR(wl_connect_by_name("no-such-host.invalid", 80, NULL, &conn), ENOENT);
    CHECK_MSG("no-such-host.invalid");
    wl_bound_free(b4);
    wl_bound_free(b6);
}

/* The event-loop form: a refused IPv6 attempt, then the IPv4 winner. */
static void event_loop_form(void) {
    wl_addr l4, c6;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &l4);
    wl_bound *b6 = closed_port("[::1]:0", &c6);
    wl_addr addrs[2] = {c6, l4};
    wl_connector *race = NULL;
    wl_conn *conn = NULL;
    CHECK_OK(wl_connector_start_addrs(NULL, addrs, 2, NULL, &race));
    int fds[2];
    CHECK(wl_connector_fds(race, fds, 2) == 0); /* nothing started before the first step */
    CHECK(wl_connector_fds(race, NULL, 0) == 0);
    int rc, steps = 0;
    while ((rc = wl_connector_step(race, &conn)) == -EAGAIN) {
        int n = wl_connector_fds(race, fds, 2);
        CHECK(n >= 1 && n <= 2);
        struct pollfd pfds[2];
        for (int i = 0; i < n; i++) {
            pfds[i].fd = fds[i];
            pfds[i].events = POLLOUT;
            pfds[i].revents = 0;
        }
        int ms = 0;
        CHECK_OK(wl_connector_timeout_ms(race, &ms));
        CHECK(poll(pfds, (nfds_t)n, ms) >= 0);
        CHECK(++steps < 1000);
    }
    CHECK_OK(rc); /* `race` is consumed */
    CHECK(wl_domain_of(wl_conn_fd(conn)) == AF_INET);
    CHECK(wl_socket_is_nonblocking(wl_conn_fd(conn)) == 1);
    CHECK_OK(wl_socket_set_nonblocking(wl_conn_fd(conn), false));
    echo(conn, listener);
    wl_conn_free(conn);

    /* The blocking driver over resolved addresses. */
    CHECK_OK(wl_connector_start_addrs(NULL, addrs, 2, NULL, &race));
    CHECK_ERR(wl_connector_wait(race, NULL), EINVAL);
    CHECK_OK(wl_connector_wait(race, &conn));
    CHECK(wl_domain_of(wl_conn_fd(conn)) == AF_INET);
    CHECK_OK(wl_socket_set_nonblocking(wl_conn_fd(conn), false));
    echo(conn, listener);
    wl_conn_free(conn);

    /* Freeing a race in flight closes its attempts. */
    CHECK_OK(wl_connector_start_addrs(NULL, addrs, 2, NULL, &race));
    CHECK_ERR(wl_connector_step(race, &conn), EAGAIN);
    CHECK(wl_connector_fds(race, fds, 2) == 1);
    wl_connector_free(race);
    CHECK(!wl_fd_is_open(fds[0]));
    wl_bound_free(b6);
    wl_listener_free(listener);
}

/* The event-loop form from a name: resolution, then the race. */
static void connector_by_name(void) {
    wl_addr addr;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &addr);
    wl_connector *race = NULL;
    wl_conn *conn = NULL;
    wl_connect_opts opts = {0};
    opts.timeout_ms = 5000;
    CHECK_OK(wl_connector_start("localhost", (uint16_t)wl_addr_port(&addr), &opts, &race));
    int ms = -2;
    CHECK_OK(wl_connector_timeout_ms(race, &ms));
    CHECK(ms >= 0 && ms <= 5000); /* the first attempt is due now, the deadline bounds it */
    CHECK_OK(wl_connector_wait(race, &conn));
    CHECK(wl_domain_of(wl_conn_fd(conn)) == AF_INET);
    wl_conn_free(conn);
    wl_listener_free(listener);
    CHECK_ERR(wl_connector_start("no-such-host.invalid", 80, NULL, &race), ENOENT);
    CHECK_ERR(wl_connector_start("localhost", 80, NULL, NULL), EINVAL);
}

static void datagrams(void) {
    wl_addr addr, any = wl_parse("127.0.0.1:0");
    wl_raw *raw = NULL;
    wl_dgram *server = NULL;
    wl_dgram_conn *conn = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &any, &server));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(server), &addr));
    CHECK_OK(wl_dgram_connect_by_name("localhost", (uint16_t)wl_addr_port(&addr), NULL, &conn));
    CHECK(wl_dgram_conn_send(conn, "d", 1, 0) == 1);
    char c = 0;
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(server), 5000));
    CHECK(wl_dgram_recv_from(server, &c, 1, NULL, 0) == 1 && c == 'd');
    wl_dgram_conn_free(conn);
    wl_dgram_free(server);
}

static void argument_checks(void) {
    wl_conn *conn = (wl_conn *)0x1;
    wl_connector *race = (wl_connector *)0x1;
    CHECK_ERR(wl_connect_by_name(NULL, 80, NULL, &conn), EINVAL);
    CHECK_MSG("host");
    CHECK_ERR(wl_connect_by_name("localhost", 80, NULL, NULL), EINVAL);
    CHECK_ERR(wl_connect_by_name("", 80, NULL, &conn), EINVAL);
    wl_connect_opts opts = {0};
    opts.fastopen_len = 3; /* NULL data with a length */
    CHECK_ERR(wl_connect_by_name("localhost", 80, &opts, &conn), EINVAL);
    wl_addr unix_addr = wl_parse("@wl-cbn");
    opts.fastopen_len = 0;
    opts.source = &unix_addr;
    CHECK_ERR(wl_connect_by_name("localhost", 80, &opts, &conn), EAFNOSUPPORT);
    CHECK_ERR(wl_connector_start_addrs(NULL, &unix_addr, 1, NULL, &race), EAFNOSUPPORT);
    CHECK_ERR(wl_connector_start_addrs(NULL, NULL, 0, NULL, &race), EINVAL);
    CHECK_ERR(wl_connector_start_addrs(NULL, NULL, 2, NULL, &race), EINVAL);
    CHECK(conn == (wl_conn *)0x1 && race == (wl_connector *)0x1);
    int ms;
    CHECK_ERR(wl_connector_timeout_ms(NULL, &ms), EINVAL);
    CHECK_ERR(wl_connector_step(NULL, &conn), EINVAL);
    CHECK_ERR(wl_connector_fds(NULL, NULL, 0), EINVAL);
    opts.source = NULL;
    opts.fastopen_data = (const uint8_t *)"x";
    opts.fastopen_len = 1;
    wl_dgram_conn *dc = NULL;
    CHECK_ERR(wl_dgram_connect_by_name("localhost", 80, &opts, &dc), EINVAL);
    CHECK_MSG("fastopen");
    wl_connector_free(NULL);
}

int main(void) {
    wl_test_start(60);
    RUN(blocking_by_name);
    RUN(fast_open_data_arrives);
    RUN(every_attempt_is_reported);
    RUN(event_loop_form);
    RUN(connector_by_name);
    RUN(datagrams);
    RUN(argument_checks);
    return wl_test_end("test_connect_by_name");
}
