// The server and proxy options added as rows of the option table
// (src/options/table.rs): generated WL_HPP_OPTION / WL_HPP_OPTION_READ
// lines reach the generated C exports with the right types.
#include "domains.hpp"

using namespace std::chrono_literals;

WLT_TEST(server_options_round_trip) {
    auto raw = wl::tcp4();
    CHECK(!wl::freebind(raw));
    wl::set_freebind(raw, true);
    CHECK(wl::freebind(raw));
    wl::set_tcp_maxseg(raw, 1000);
    CHECK_EQ(wl::tcp_maxseg(raw), 1000u);
    CHECK_THROWS_ERRC(wl::set_tcp_maxseg(raw, 50), std::errc::invalid_argument);
    wl::set_tcp_defer_accept(raw, 0s);
    CHECK(wl::tcp_defer_accept(raw) == 0s);
    CHECK_EQ(wl::incoming_cpu(raw), -1);
    wl::set_incoming_cpu(raw, 0);
    CHECK_EQ(wl::incoming_cpu(raw), 0);
}

WLT_TEST(server_options_read_only_rows) {
    auto a = wl::udp4();
    auto b = wl::udp4();
    CHECK(wl::cookie(a) != 0);
    CHECK(wl::cookie(a) != wl::cookie(b));  // b is given up below
    CHECK_EQ(wl::socket_domain(a), AF_INET);
    CHECK_EQ(wl::socket_type(a), SOCK_DGRAM);
    CHECK_EQ(wl::socket_protocol(a), IPPROTO_UDP);
    CHECK(!wl::accepts_connections(a));
    CHECK(wl::try_socket_type(a.fd()).value() == SOCK_DGRAM);
    wl::OwnedFd owned(std::move(b).into_fd());
    const int closed = owned.release();
    ::close(closed);
    CHECK(wl::try_cookie(closed).error() == std::errc::bad_file_descriptor);
}
