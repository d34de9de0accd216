// Errors both ways: std::system_error (errno in generic_category, the
// library's message in what()) and try_ results; a failed transition keeps
// (throwing form) or hands back (try_ form) the original socket.
#include "domains.hpp"

#include <sys/socket.h>

#include <cstring>

WLT_TEST(error_bind_in_use_throws_and_keeps_the_socket) {
    auto first = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(1);
    const auto taken = first.local_addr();
    auto raw = wl::tcp4();
    const int fd = raw.fd();
    bool thrown = false;
    try {
        auto bound = std::move(raw).bind(taken);
        (void)bound;
    } catch (const std::system_error& e) {
        thrown = true;
        CHECK(e.code() == std::errc::address_in_use);
        CHECK(e.code().category() == std::generic_category());
        CHECK_EQ(e.code().value(), EADDRINUSE);
        // The library's message, without strerror's text twice.
        CHECK_EQ(std::string(e.what()), std::string("wl_raw_bind: Address already in use"));
    }
    CHECK(thrown);
    // Strong guarantee: the failed transition consumed nothing.
    CHECK_EQ(raw.fd(), fd);
    auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
    CHECK(bound.local_addr().port() != 0);
}

WLT_TEST(error_try_bind_hands_the_socket_back) {
    auto first = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(1);
    auto raw = wl::tcp4();
    const int fd = raw.fd();
    auto r = std::move(raw).try_bind(first.local_addr());
    CHECK(!r);
    CHECK(r.error().code() == std::errc::address_in_use);
    CHECK_EQ(r.error().message(), std::string("wl_raw_bind: Address already in use"));
    CHECK_EQ(wl::last_error_message(), std::string("wl_raw_bind: Address already in use"));
    CHECK_EQ(r.error().socket().fd(), fd);
    auto back = std::move(r).error().into_socket();
    CHECK_EQ(back.fd(), fd);
    auto ok = std::move(back).try_bind(wl::SocketAddrV4::localhost(0));
    CHECK(ok.has_value());
    auto listener = std::move(*ok).try_listen(4);
    CHECK(listener.has_value());
    CHECK(listener->local_addr().port() != 0);
}

WLT_TEST(error_connect_refused_keeps_then_reuses_the_socket) {
    auto refusing = wl::tcp4().bind(wl::SocketAddrV4::localhost(0));  // bound, not listening
    auto raw = wl::tcp4();
    const int fd = raw.fd();
    CHECK_THROWS_ERRC(std::move(raw).connect(refusing.local_addr()), std::errc::connection_refused);
    CHECK_EQ(raw.fd(), fd);
    auto r = std::move(raw).try_connect(refusing.local_addr());
    CHECK(!r);
    CHECK(r.error().code() == std::errc::connection_refused);
    CHECK(r.error().message().find("wl_raw_connect") != std::string::npos);
    auto again = std::move(r).error().into_socket();
    // Linux lets a refused TCP socket connect again: to a real listener now.
    auto listener = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(1);
    auto conn = std::move(again).try_connect(listener.local_addr());
    CHECK(conn.has_value());
    CHECK_EQ(conn->fd(), fd);
}

WLT_TEST(error_try_listen_hands_the_bound_socket_back) {
    // Two sockets may bind one port with SO_REUSEADDR; only one may listen.
    auto a = wl::tcp4();
    auto b = wl::tcp4();
    const int one = 1;
    CHECK_EQ(::setsockopt(a.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    CHECK_EQ(::setsockopt(b.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    auto ba = std::move(a).bind(wl::SocketAddrV4::localhost(0));
    auto bb = std::move(b).bind(ba.local_addr());
    auto la = std::move(ba).listen(1);
    const int fd = bb.fd();
    CHECK_THROWS_ERRC(std::move(bb).listen(1), std::errc::address_in_use);
    auto r = std::move(bb).try_listen(1);
    CHECK(!r);
    CHECK(r.error().code() == std::errc::address_in_use);
    CHECK_EQ(r.error().message(), std::string("wl_bound_listen: Address already in use"));
    auto [ec, back] = std::move(r).error().into_parts();
    CHECK(ec == std::errc::address_in_use);
    CHECK_EQ(back.fd(), fd);
    CHECK(back.local_addr() == la.local_addr());
}

WLT_TEST(error_bad_arguments_are_einval_not_crashes) {
    auto conn_pair = wl::ConnectedStream<wl::Unix>::pair();
    auto& conn = conn_pair.first;
    // NULL buffer with a length: EINVAL from the library, named in what().
    try {
        (void)conn.send(nullptr, 4);
        CHECK(false);
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::invalid_argument);
        CHECK(std::string(e.what()).find("wl_conn_send") != std::string::npos);
    }
    CHECK(conn.try_recv(nullptr, 4).error() == std::errc::invalid_argument);
    // A zero timeout would silently mean "none" in C: rejected here.
    CHECK_THROWS_ERRC(conn.set_read_timeout(std::chrono::seconds(0)), std::errc::invalid_argument);
    CHECK(conn.try_set_write_timeout(std::chrono::milliseconds(-5)).error() == std::errc::invalid_argument);
    // Shutting down a Unix pair twice is fine; a socket without a peer is not.
    auto raw = wl::tcp4();
    auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
    CHECK(bound.try_take_error().has_value());
}

WLT_TEST(error_version_matches_the_header) {
    CHECK_EQ(wl::version(), std::string_view(WIRELANE_VERSION));
}
