// Builders: the README's composable configs, applied and read back; every
// builder for its domains; failures leave nothing open.
#include "domains.hpp"

using namespace std::chrono_literals;

WLT_TEST(builders_readme_configs_apply_to_listener_and_connector) {
    // Define once, reuse everywhere.
    const auto reuse = wl::ReuseConfig().both();
    const auto tcp = wl::TcpConfig().nodelay(true).keepalive(wl::KeepaliveConfig().idle(30).interval(5).count(3));
    const auto buffers = wl::BufferConfig().both(65536);

    auto listener = wl::ListenerBuilder<wl::Ipv4>()
                        .reuse(reuse)
                        .tcp(tcp)
                        .buffers(buffers)
                        .backlog(4096)
                        .bind(wl::SocketAddrV4::localhost(0));
    CHECK(wl::reuse_address(listener));
    CHECK(wl::reuse_port(listener));
    CHECK(wl::keepalive(listener));
    CHECK(wl::tcp_keepalive_idle(listener) == 30s);
    CHECK(wl::recv_buffer_size(listener) >= 65536u);

    auto conn = wl::ConnectorBuilder<wl::Ipv4>().tcp(tcp).buffers(buffers).connect(listener.local_addr());
    CHECK(wl::tcp_nodelay(conn));
    CHECK(wl::keepalive(conn));
    CHECK(wl::tcp_keepalive_interval(conn) == 5s);
    CHECK_EQ(wl::tcp_keepalive_count(conn), 3u);
    CHECK(wl::send_buffer_size(conn) >= 65536u);
    auto server = listener.accept();
    CHECK(server.peer_addr() == conn.local_addr());
    CHECK(wl::tcp_nodelay(server));  // inherited from the listener

    CHECK(reuse.is_addr() && reuse.is_port());
    CHECK(buffers.send_size() == std::optional<std::size_t>(65536));
    CHECK(!wl::BufferConfig().recv_size());
}

WLT_TEST(builders_connector_options) {
    auto listener = wl::ListenerBuilder<wl::Ipv6>().only_v6(true).fastopen(4).bind(wl::SocketAddrV6::localhost(0));
    CHECK(wl::only_v6(listener));
    CHECK_EQ(wl::tcp_fastopen(listener), 4u);
    auto conn = wl::ConnectorBuilder<wl::Ipv6>()
                    .local_addr(wl::SocketAddrV6::localhost(0))
                    .timeout(2s)
                    .tcp(wl::TcpConfig().congestion("reno").user_timeout(3000ms))
                    .nonblocking(true)
                    .connect(listener.local_addr());
    CHECK(conn.is_nonblocking());
    CHECK(conn.local_addr().ip() == wl::SocketAddrV6::localhost().ip());
    CHECK_EQ(wl::tcp_congestion(conn), std::string("reno"));
    CHECK(wl::tcp_user_timeout(conn) == 3000ms);
    auto pending = wl::ConnectorBuilder<wl::Ipv6>().connect_nonblocking(listener.local_addr());
    CHECK(pending.wait(wlt::kTimeout));
    auto done = std::move(pending).finish();
    (void)listener.accept();
    (void)listener.accept();
    CHECK(wl::ConnectorBuilder<wl::Ipv6>().try_connect_nonblocking(listener.local_addr()).has_value());
}

WLT_TEST(builders_unix_and_nonblocking_listener) {
    Local<wl::Unix> here;
    auto listener = wl::ListenerBuilder<wl::Unix>().backlog(8).nonblocking(true).bind(here.addr);
    CHECK(listener.is_nonblocking());
    CHECK(listener.try_accept().error() == std::errc::resource_unavailable_try_again);
    auto conn = wl::ConnectorBuilder<wl::Unix>().connect(here.addr);
    listener.set_nonblocking(false);
    auto server = listener.accept();
    CHECK(server.peer_credentials().pid == ::getpid());
}

WLT_TEST(builders_datagram) {
    auto a = wl::DatagramBuilder<wl::Ipv4>().reuse_addr(true).ttl(9).broadcast(true).bind(wl::SocketAddrV4::localhost(0));
    CHECK_EQ(wl::ttl(a), 9u);
    CHECK(wl::broadcast(a));
    CHECK(wl::reuse_address(a));
    a.set_read_timeout(wlt::kTimeout);
    auto b = wl::DatagramBuilder<wl::Ipv4>().buffers(wl::BufferConfig().recv(1 << 16)).connect(a.local_addr());
    CHECK_EQ(b.send("dg"), 2u);
    char buf[4];
    CHECK(a.recv_from(buf, sizeof buf).second == b.local_addr());
    auto v6 = wl::DatagramBuilder<wl::Ipv6>().only_v6(true).nonblocking(true).bind(wl::SocketAddrV6::localhost(0));
    CHECK(wl::only_v6(v6));
    CHECK(v6.is_nonblocking());
    Local<wl::Unix> here;
    auto u = wl::DatagramBuilder<wl::Unix>().try_bind(here.addr);
    CHECK(u.has_value());
    CHECK(wl::DatagramBuilder<wl::Unix>().try_connect(here.addr).has_value());
}

WLT_TEST(builders_failures_close_everything) {
    auto taken = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(1);
    // Without SO_REUSEPORT the port is taken: the builder's socket is closed
    // (the harness checks that no descriptor leaks).
    auto r = wl::ListenerBuilder<wl::Ipv4>().try_bind(taken.local_addr());
    CHECK(!r);
    CHECK(r.error() == std::errc::address_in_use);
    CHECK_THROWS_ERRC(wl::ListenerBuilder<wl::Ipv4>().bind(taken.local_addr()), std::errc::address_in_use);
    // Out-of-range keepalive: EINVAL naming the option.
    try {
        (void)wl::ConnectorBuilder<wl::Ipv4>()
            .tcp(wl::TcpConfig().keepalive(wl::KeepaliveConfig().idle(40000)))
            .connect(taken.local_addr());
        CHECK(false);
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::invalid_argument);
        CHECK(std::string(e.what()).find("wl_connector_connect") != std::string::npos);
    }
    auto refusing = wl::tcp4().bind(wl::SocketAddrV4::localhost(0));
    CHECK(wl::ConnectorBuilder<wl::Ipv4>().timeout(1s).try_connect(refusing.local_addr()).error() ==
          std::errc::connection_refused);
}
