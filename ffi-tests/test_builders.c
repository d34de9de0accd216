/* The builders as config structs: wl_listener_build, wl_connector_*,
 * wl_datagram_*; zero config = kernel defaults; per-domain options. */
#define _GNU_SOURCE
#include "check.h"

static void listener_defaults_and_nulls(void) {
    wl_addr addr = wl_parse("127.0.0.1:0");
    wl_listener *l = (wl_listener *)0x1;
    CHECK_ERR(wl_listener_build(NULL, NULL, &l), EINVAL);
    CHECK_ERR(wl_listener_build(NULL, &addr, NULL), EINVAL);
    CHECK(l == (wl_listener *)0x1);
    CHECK_OK(wl_listener_build(NULL, &addr, &l));
    wl_listener_config zero = {0};
    wl_listener *l2 = NULL;
    CHECK_OK(wl_listener_build(&zero, &addr, &l2));
    bool on = true;
    CHECK_OK(wl_reuse_address(wl_listener_fd(l2), &on));
    CHECK(!on);
    CHECK(wl_socket_is_nonblocking(wl_listener_fd(l2)) == 0);
    wl_listener_free(l);
    wl_listener_free(l2);
}

static void listener_with_every_option(void) {
    wl_listener_config cfg = {0};
    cfg.reuse.addr = true;
    cfg.reuse.port = true;
    cfg.buffers.send = 65536;
    cfg.buffers.recv = 65536;
    cfg.tcp.nodelay = true;
    cfg.tcp.keepalive.enable = true;
    cfg.tcp.keepalive.idle_secs = 30;
    cfg.tcp.keepalive.interval_secs = 5;
    cfg.tcp.keepalive.count = 3;
    cfg.tcp.user_timeout_ms = 1500;
    cfg.tcp.congestion = "reno";
    cfg.backlog = 64;
    cfg.fastopen_qlen = 5;
    cfg.nonblocking = true;
    wl_addr addr = wl_parse("127.0.0.1:0");
    wl_listener *l = NULL;
    CHECK_OK(wl_listener_build(&cfg, &addr, &l));
    int fd = wl_listener_fd(l);
    bool b = false;
    uint32_t u = 0;
    size_t z = 0;
    char name[16];
    CHECK_OK(wl_reuse_address(fd, &b));
    CHECK(b);
    CHECK_OK(wl_reuse_port(fd, &b));
    CHECK(b);
    CHECK_OK(wl_recv_buffer_size(fd, &z));
    CHECK(z == 2 * 65536);
    CHECK_OK(wl_tcp_nodelay(fd, &b));
    CHECK(b);
    CHECK_OK(wl_keepalive(fd, &b));
    CHECK(b);
    CHECK_OK(wl_tcp_keepalive_idle(fd, &u));
    CHECK(u == 30);
    CHECK_OK(wl_tcp_keepalive_count(fd, &u));
    CHECK(u == 3);
    CHECK_OK(wl_tcp_user_timeout(fd, &u));
    CHECK(u == 1500);
    CHECK(wl_tcp_congestion(fd, name, sizeof name) == 4 && strcmp(name, "reno") == 0);
    CHECK_OK(wl_tcp_fastopen(fd, &u));
    CHECK(u == 5);
    CHECK(wl_socket_is_nonblocking(wl_listener_fd(l)) == 1);
    wl_tcp_info info;
    CHECK_OK(wl_get_tcp_info(fd, &info));
    CHECK(info.state == 10 && info.sacked == 64); /* listen backlog */

    /* Accepted connections inherit the TCP settings. */
    wl_addr laddr;
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(l), &laddr));
    wl_conn *client = NULL, *server = NULL;
    CHECK_OK(wl_connector_connect(NULL, &laddr, &client));
    CHECK_OK(wl_socket_set_nonblocking(wl_listener_fd(l), false));
    CHECK_OK(wl_listener_accept(l, &server, NULL));
    CHECK_OK(wl_tcp_nodelay(wl_conn_fd(server), &b));
    CHECK(b);
    wl_conn_free(client);
    wl_conn_free(server);
    wl_listener_free(l);
}

static void listener_domain_rules(void) {
    wl_listener *l = NULL;
    wl_listener_config cfg = {0};
    cfg.only_v6 = true;
    wl_addr v6 = wl_parse("[::1]:0");
    CHECK_OK(wl_listener_build(&cfg, &v6, &l));
    bool b = false;
    CHECK_OK(wl_only_v6(wl_listener_fd(l), &b));
    CHECK(b);
    wl_listener_free(l);

    wl_addr v4 = wl_parse("127.0.0.1:0");
    CHECK_ERR(wl_listener_build(&cfg, &v4, &l), EAFNOSUPPORT);
    CHECK_MSG("only_v6");

    char path[108];
    wl_unique_path(path, sizeof path);
    wl_addr un = wl_parse(path);
    wl_listener_config tcp = {0};
    tcp.tcp.nodelay = true;
    CHECK_ERR(wl_listener_build(&tcp, &un, &l), EAFNOSUPPORT);
    CHECK_MSG("IPv4 and IPv6");
    wl_listener_config reuse = {0};
    reuse.reuse.addr = true;
    CHECK_ERR(wl_listener_build(&reuse, &un, &l), EAFNOSUPPORT);
    CHECK_ERR(wl_listener_build(&cfg, &un, &l), EAFNOSUPPORT);
    wl_listener_config plain = {0};
    plain.buffers.recv = 32768;
    CHECK_OK(wl_listener_build(&plain, &un, &l));
    CHECK(wl_socket_domain(wl_listener_fd(l)) == AF_UNIX);
    wl_listener_free(l);
    CHECK(unlink(path) == 0);
}

static void bad_values_name_the_option_and_leak_nothing(void) {
    wl_addr addr = wl_parse("127.0.0.1:0");
    wl_listener *l = (wl_listener *)0x1;
    wl_listener_config cfg = {0};
    cfg.tcp.keepalive.enable = true;
    cfg.tcp.keepalive.count = 1000;
    CHECK_ERR(wl_listener_build(&cfg, &addr, &l), EINVAL);
    CHECK_MSG("TCP_KEEPCNT");
    cfg.tcp.keepalive.count = 0;
    cfg.tcp.congestion = "this-name-is-too-long";
    CHECK_ERR(wl_listener_build(&cfg, &addr, &l), EINVAL);
    CHECK_MSG("TCP_CONGESTION");
    cfg.tcp.congestion = "nosuchalgo";
    CHECK_ERR(wl_listener_build(&cfg, &addr, &l), ENOENT);
    CHECK(l == (wl_listener *)0x1);
}

static void connector(void) {
    wl_addr laddr;
    wl_listener *l = wl_listen_on("127.0.0.1:0", &laddr);
    wl_connector_config cfg = {0};
    wl_addr local = wl_parse("127.0.0.1:0");
    cfg.tcp.nodelay = true;
    cfg.tcp.congestion = "cubic";
    cfg.local_addr = &local;
    cfg.timeout_ms = 2000;
    cfg.nonblocking = true;
    cfg.buffers.send = 32768;
    wl_conn *c = NULL, *s = NULL;
    CHECK_OK(wl_connector_connect(&cfg, &laddr, &c));
    CHECK(wl_socket_is_nonblocking(wl_conn_fd(c)) == 1);
    uint64_t ms = 1;
    CHECK_OK(wl_socket_write_timeout(wl_conn_fd(c), &ms));
    CHECK(ms == 0); /* the connect timeout is cleared once connected */
    bool b = false;
    CHECK_OK(wl_tcp_nodelay(wl_conn_fd(c), &b));
    CHECK(b);
    CHECK_OK(wl_listener_accept(l, &s, NULL));
    wl_conn_free(c);
    wl_conn_free(s);

    /* A local address of another family. */
    wl_addr v6 = wl_parse("[::1]:0");
    cfg.local_addr = &v6;
    c = (wl_conn *)0x1;
    CHECK_ERR(wl_connector_connect(&cfg, &laddr, &c), EAFNOSUPPORT);
    CHECK(c == (wl_conn *)0x1);

    /* Non-blocking connect through the builder. */
    wl_pending *p = NULL;
    CHECK_OK(wl_connector_connect_nonblocking(NULL, &laddr, &p));
    CHECK(wl_pending_wait(p, 5000) == 1);
    CHECK_OK(wl_pending_finish(p, &c));
    CHECK_OK(wl_listener_accept(l, &s, NULL));
    wl_conn_free(c);
    wl_conn_free(s);
    CHECK_ERR(wl_connector_connect_nonblocking(NULL, NULL, &p), EINVAL);
    CHECK_ERR(wl_connector_connect_nonblocking(NULL, &laddr, NULL), EINVAL);
    CHECK_ERR(wl_connector_connect(NULL, &laddr, NULL), EINVAL);
    wl_listener_free(l);

    /* Refused, and Unix rules. */
    CHECK_ERR(wl_connector_connect(NULL, &laddr, &c), ECONNREFUSED);
    char path[108];
    wl_unique_path(path, sizeof path);
    wl_addr un = wl_parse(path);
    wl_connector_config tcp = {0};
    tcp.tcp.nodelay = true;
    CHECK_ERR(wl_connector_connect(&tcp, &un, &c), EAFNOSUPPORT);
    CHECK_ERR(wl_connector_connect(NULL, &un, &c), ENOENT); /* no such socket file */
}

static void datagram(void) {
    wl_datagram_config cfg = {0};
    cfg.ttl = 9;
    cfg.broadcast = true;
    cfg.reuse.addr = true;
    cfg.nonblocking = true;
    wl_addr a4 = wl_parse("127.0.0.1:0");
    wl_dgram *d = NULL;
    CHECK_OK(wl_datagram_bind(&cfg, &a4, &d));
    uint32_t ttl = 0;
    bool b = false;
    CHECK_OK(wl_ttl(wl_dgram_fd(d), &ttl));
    CHECK(ttl == 9);
    CHECK_OK(wl_broadcast(wl_dgram_fd(d), &b));
    CHECK(b);
    CHECK(wl_socket_is_nonblocking(wl_dgram_fd(d)) == 1);
    wl_addr self;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(d), &self));
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_datagram_connect(NULL, &self, &c));
    CHECK(wl_dgram_conn_send(c, "d", 1, 0) == 1);
    char buf[4];
    usleep(10000);
    CHECK(wl_dgram_recv_from(d, buf, sizeof buf, NULL, 0) == 1);
    wl_dgram_conn_free(c);
    wl_dgram_free(d);

    wl_addr a6 = wl_parse("[::1]:0");
    CHECK_ERR(wl_datagram_bind(&cfg, &a6, &d), EAFNOSUPPORT); /* broadcast is IPv4 only */
    CHECK_MSG("broadcast");
    wl_datagram_config v6 = {0};
    v6.only_v6 = true;
    v6.ttl = 7;
    CHECK_OK(wl_datagram_bind(&v6, &a6, &d));
    CHECK_OK(wl_unicast_hops_v6(wl_dgram_fd(d), &ttl));
    CHECK(ttl == 7);
    wl_dgram_free(d);
    CHECK_ERR(wl_datagram_bind(&v6, &a4, &d), EAFNOSUPPORT);

    wl_addr un = wl_parse("@wl-ffi-builder-dgram");
    wl_datagram_config ttl_only = {0};
    ttl_only.ttl = 3;
    CHECK_ERR(wl_datagram_bind(&ttl_only, &un, &d), EAFNOSUPPORT);
    CHECK_ERR(wl_datagram_connect(&ttl_only, &un, &c), EAFNOSUPPORT);
    wl_datagram_config bc = {0};
    bc.broadcast = true;
    CHECK_ERR(wl_datagram_bind(&bc, &un, &d), EAFNOSUPPORT);
    wl_datagram_config v6only = {0};
    v6only.only_v6 = true;
    CHECK_ERR(wl_datagram_bind(&v6only, &un, &d), EAFNOSUPPORT);
    CHECK_OK(wl_datagram_bind(NULL, &un, &d));
    wl_dgram_free(d);
    CHECK_ERR(wl_datagram_bind(NULL, NULL, &d), EINVAL);
    CHECK_ERR(wl_datagram_connect(NULL, &un, NULL), EINVAL);
}

static void configs_apply_to_any_descriptor(void) {
    wl_raw *raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    int fd = wl_raw_fd(raw);
    bool b = false;
    uint32_t u = 0;
    size_t z = 0;
    wl_reuse_config reuse = {true, true};
    CHECK_OK(wl_reuse_config_apply(&reuse, fd));
    CHECK_OK(wl_reuse_port(fd, &b));
    CHECK(b);
    wl_buffer_config buffers = {0, 32768};
    CHECK_OK(wl_buffer_config_apply(&buffers, fd));
    CHECK_OK(wl_recv_buffer_size(fd, &z));
    CHECK(z == 2 * 32768);
    wl_keepalive_config ka = {0};
    ka.idle_secs = 40;
    CHECK_OK(wl_keepalive_config_apply(&ka, fd)); /* enable is implied */
    CHECK_OK(wl_keepalive(fd, &b));
    CHECK(b);
    CHECK_OK(wl_tcp_keepalive_idle(fd, &u));
    CHECK(u == 40);
    ka.count = 500;
    CHECK_ERR(wl_keepalive_config_apply(&ka, fd), EINVAL);
    wl_tcp_config tcp = {0};
    tcp.nodelay = true;
    tcp.congestion = "reno";
    CHECK_OK(wl_tcp_config_apply(&tcp, fd));
    CHECK_OK(wl_tcp_nodelay(fd, &b));
    CHECK(b);
    CHECK_OK(wl_tcp_config_apply(NULL, fd)); /* nothing to do */
    CHECK_OK(wl_reuse_config_apply(NULL, fd));
    CHECK_OK(wl_buffer_config_apply(NULL, fd));
    CHECK_ERR(wl_tcp_config_apply(&tcp, -1), EBADF);
    wl_raw_free(raw);
}

int main(void) {
    wl_test_start(60);
    RUN(listener_defaults_and_nulls);
    RUN(listener_with_every_option);
    RUN(listener_domain_rules);
    RUN(bad_values_name_the_option_and_leak_nothing);
    RUN(connector);
    RUN(datagram);
    RUN(configs_apply_to_any_descriptor);
    return wl_test_end("test_builders");
}
