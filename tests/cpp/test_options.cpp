// Socket options: free functions over any socket object, an OwnedFd or a
// raw descriptor; set, read back, and the errors for bad values.
#include "domains.hpp"

using namespace std::chrono_literals;

WLT_TEST(options_tcp_flags_round_trip) {
    Local<wl::Ipv4> here;
    auto listener = listen_local(here);
    auto [client, server] = connected_pair(listener);
    wl::set_tcp_nodelay(client, true);
    CHECK(wl::tcp_nodelay(client));
    wl::set_tcp_nodelay(client, false);
    CHECK(!wl::tcp_nodelay(client));
    wl::set_tcp_cork(client, true);
    CHECK(wl::tcp_cork(client));
    CHECK(wl::try_set_tcp_cork(client, false).has_value());
    CHECK(!*wl::try_tcp_cork(client));
    wl::set_tcp_quickack(server, true);
    (void)wl::tcp_quickack(server);  // the kernel may already have switched back
    wl::set_keepalive(client, true);
    CHECK(wl::keepalive(client));
    wl::set_tcp_keepalive_idle(client, 30s);
    CHECK(wl::tcp_keepalive_idle(client) == 30s);
    wl::set_tcp_keepalive_interval(client, 5s);
    CHECK(wl::tcp_keepalive_interval(client) == 5s);
    wl::set_tcp_keepalive_count(client, 3);
    CHECK_EQ(wl::tcp_keepalive_count(client), 3u);
    wl::set_tcp_user_timeout(client, 1500ms);
    CHECK(wl::tcp_user_timeout(client) == 1500ms);
    wl::set_tcp_fastopen(listener, 5);
    CHECK_EQ(wl::tcp_fastopen(listener), 5u);
    auto raw = wl::tcp4();
    wl::set_tcp_fastopen_connect(raw, true);
    CHECK(wl::tcp_fastopen_connect(raw));
}

WLT_TEST(options_socket_level_round_trip) {
    auto raw = wl::tcp4();
    wl::set_reuse_address(raw, true);
    CHECK(wl::reuse_address(raw));
    wl::set_reuse_port(raw, true);
    CHECK(wl::reuse_port(raw));
    wl::set_send_buffer_size(raw, 65536);
    CHECK(wl::send_buffer_size(raw) >= 65536u);  // the kernel doubles it
    wl::set_recv_buffer_size(raw, 65536);
    CHECK(wl::recv_buffer_size(raw) >= 65536u);
    wl::set_priority(raw, 3);
    CHECK_EQ(wl::priority(raw), 3u);
    wl::set_recv_low_watermark(raw, 10);
    CHECK_EQ(wl::recv_low_watermark(raw), 10u);
    wl::set_ttl(raw, 42);
    CHECK_EQ(wl::ttl(raw), 42u);
    wl::set_tos(raw, 0x10);
    CHECK_EQ(wl::tos(raw), 0x10);
    // SO_MARK needs CAP_NET_ADMIN: either it works or the kernel says EPERM.
    auto mark = wl::try_set_mark(raw, 7);
    if (mark) {
        CHECK_EQ(wl::mark(raw), 7u);
    } else {
        CHECK(mark.error() == std::errc::operation_not_permitted);
    }

    wl::set_linger(raw, 5s);
    CHECK(wl::linger(raw) == std::optional<std::chrono::seconds>(5s));
    wl::set_linger(raw, std::nullopt);
    CHECK(!wl::linger(raw));
    CHECK(wl::try_set_linger(raw, 0s).has_value());
    CHECK(wl::linger(raw) == std::optional<std::chrono::seconds>(0s));

    CHECK_EQ(wl::bound_device(raw), std::string());
    CHECK(!wl::tcp_congestion(raw).empty());
    wl::set_tcp_congestion(raw, "reno");  // built into every kernel
    CHECK_EQ(wl::tcp_congestion(raw), std::string("reno"));
    CHECK_THROWS_ERRC(wl::set_tcp_congestion(raw, "no-such-algo"), std::errc::no_such_file_or_directory);

    auto udp = wl::udp4();
    wl::set_broadcast(udp, true);
    CHECK(wl::broadcast(udp));
    wl::set_multicast_ttl_v4(udp, 4);
    CHECK_EQ(wl::multicast_ttl_v4(udp), 4u);
    wl::set_multicast_loop_v4(udp, false);
    CHECK(!wl::multicast_loop_v4(udp));
    // Not a multicast group: rejected before the kernel sees it.
    CHECK_THROWS_ERRC(wl::join_multicast_v4(udp, {10, 0, 0, 1}), std::errc::invalid_argument);

    auto udp6 = wl::udp6();
    wl::set_only_v6(udp6, true);
    CHECK(wl::only_v6(udp6));
    wl::set_unicast_hops_v6(udp6, 7);
    CHECK_EQ(wl::unicast_hops_v6(udp6), 7u);
    wl::set_tclass_v6(udp6, 0x20);
    CHECK_EQ(wl::tclass_v6(udp6), 0x20);
    wl::set_multicast_hops_v6(udp6, 3);
    CHECK_EQ(wl::multicast_hops_v6(udp6), 3u);
    wl::set_multicast_loop_v6(udp6, false);
    CHECK(!wl::multicast_loop_v6(udp6));
    std::array<std::uint8_t, 16> unicast{};
    unicast[15] = 1;
    CHECK_THROWS_ERRC(wl::join_multicast_v6(udp6, unicast), std::errc::invalid_argument);
}

WLT_TEST(options_take_raw_descriptors_and_owned_fds) {
    auto raw = wl::tcp4();
    const int fd = raw.fd();
    wl::set_tcp_nodelay(fd, true);
    CHECK(wl::tcp_nodelay(raw));
    wl::OwnedFd owned(std::move(raw).into_fd());
    CHECK(owned);
    CHECK(wl::tcp_nodelay(owned));
    CHECK(*wl::try_tcp_nodelay(owned.get()));
    // A closed descriptor: EBADF from the kernel, no crash.
    const int closed = owned.release();
    ::close(closed);
    CHECK(wl::try_tcp_nodelay(closed).error() == std::errc::bad_file_descriptor);
}

WLT_TEST(options_errors_name_the_option) {
    auto raw = wl::tcp4();
    // TCP_KEEPIDLE takes 1..32767 seconds: checked, not clamped.
    try {
        wl::set_tcp_keepalive_idle(raw, 40000s);
        CHECK(false);
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::invalid_argument);
        CHECK(std::string(e.what()).find("wl_set_tcp_keepalive_idle") != std::string::npos);
    }
    // A TCP option on a UDP socket: the kernel's own error.
    auto udp = wl::udp4();
    CHECK(wl::try_set_tcp_nodelay(udp, true).error() == std::errc::no_protocol_option ||
          wl::try_set_tcp_nodelay(udp, true).error() == std::errc::operation_not_supported);
    // A moved-from object: EINVAL, no crash.
    auto gone = std::move(raw);
    CHECK(wl::try_tcp_nodelay(raw).error() == std::errc::invalid_argument);
    CHECK_THROWS_ERRC(wl::set_tcp_nodelay(raw, true), std::errc::invalid_argument);
    CHECK(wl::tcp_nodelay(gone) == false);
}

WLT_TEST(options_tcp_info_reports_the_state) {
    Local<wl::Ipv4> here;
    auto listener = listen_local(here);
    auto [client, server] = connected_pair(listener);
    const wl::TcpInfo info = wl::tcp_info(client);
    CHECK_EQ(info.state, 1);  // TCP_ESTABLISHED
    CHECK(info.snd_mss > 0u);
    CHECK(info.reported_len > 0u);
    CHECK_EQ(wl::tcp_info(listener).state, 10);  // TCP_LISTEN
    auto udp = wl::udp4();
    CHECK(wl::try_tcp_info(udp).error() == std::errc::operation_not_supported);
}
