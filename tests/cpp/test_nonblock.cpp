// Event loops (issue 15): handles non-blocking from birth through
// wl::open_socket / wl::accept(listener, wl::nonblock) / the pair
// functions, EAGAIN as resource_unavailable_try_again, and the wakes
// (wl::shutdown) for a thread blocked in accept or a datagram receive.
#include "domains.hpp"

#include <fcntl.h>
#include <poll.h>

#include <thread>

namespace {

bool nonblocking_fd(int fd) { return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

template <class D>
void born_nonblocking() {
    Local<D> here;
    auto listener = wl::open_socket<D, wl::Stream>(wl::nonblock).bind(here.addr).listen(16);
    CHECK(listener.is_nonblocking());
    auto drained = wl::try_accept(listener, wl::nonblock);
    CHECK(!drained && drained.error() == std::errc::resource_unavailable_try_again);

    auto pending = wl::open_socket<D, wl::Stream>(wl::nonblock).connect_nonblocking(listener.local_addr());
    pollfd p{listener.fd(), POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1);
    auto [server, peer] = wl::accept(listener, wl::nonblock);
    CHECK(server.is_nonblocking());
    CHECK((fcntl(server.fd(), F_GETFD) & FD_CLOEXEC) != 0);
    (void)peer;
    char c = 0;
    auto nothing = server.try_recv(&c, 1);
    CHECK(!nothing && nothing.error() == std::errc::resource_unavailable_try_again);
    CHECK(pending.wait(wlt::kTimeout));
    auto client = std::move(pending).finish();
    CHECK_EQ(client.send("n"), 1u);
    pollfd q{server.fd(), POLLIN, 0};
    CHECK(poll(&q, 1, 5000) == 1);
    CHECK_EQ(server.recv(&c, 1), 1u);
    CHECK_EQ(c, 'n');

    auto blocking = wl::open_socket<D, wl::Datagram>(0);
    CHECK(!blocking.is_nonblocking());
}

}  // namespace

WLT_TEST(nonblock_from_birth_ipv4) { born_nonblocking<wl::Ipv4>(); }
WLT_TEST(nonblock_from_birth_ipv6) { born_nonblocking<wl::Ipv6>(); }
WLT_TEST(nonblock_from_birth_unix) { born_nonblocking<wl::Unix>(); }

WLT_TEST(nonblock_bad_flags_and_protocols) {
    auto bad = wl::try_open_socket<wl::Ipv4, wl::Stream>(0x10);
    CHECK(!bad && bad.error() == std::errc::invalid_argument);
    CHECK_THROWS_ERRC((wl::open_socket<wl::Ipv4, wl::Stream>(0, IPPROTO_UDP)), std::errc::protocol_not_supported);
    auto tcp = wl::open_socket<wl::Ipv6, wl::Stream>(wl::nonblock, IPPROTO_TCP);
    CHECK(tcp.is_nonblocking());
}

WLT_TEST(nonblock_pairs) {
    auto [a, b] = wl::stream_pair(wl::nonblock);
    CHECK(a.is_nonblocking() && b.is_nonblocking());
    char c = 0;
    auto r = a.try_recv(&c, 1);
    CHECK(!r && r.error() == std::errc::resource_unavailable_try_again);
    auto [x, y] = wl::datagram_pair(0);
    CHECK(!nonblocking_fd(x.fd()) && !nonblocking_fd(y.fd()));
    auto [u, v] = wl::datagram_pair(wl::nonblock);
    CHECK(nonblocking_fd(u.fd()) && nonblocking_fd(v.fd()));
}

WLT_TEST(nonblock_shutdown_wakes_a_blocked_accept) {
    Local<wl::Ipv4> here;
    auto listener = wl::RawSocket<wl::Ipv4, wl::Stream>::create().bind(here.addr).listen(16);
    std::error_code woken;
    std::thread t([&] {
        try {
            (void)listener.accept();
        } catch (const std::system_error& e) {
            woken = e.code();
        }
    });
    // Shutting down before the thread sleeps is fine too: the state stays.
    wl::shutdown(listener);
    t.join();
    CHECK(woken == std::errc::invalid_argument);
    wl::shutdown(listener);  // harmless twice
}

WLT_TEST(nonblock_shutdown_wakes_a_blocked_datagram_receive) {
    auto sock = wl::RawSocket<wl::Ipv4, wl::Datagram>::create().bind(wl::SocketAddrV4::localhost(0));
    std::error_code woken;
    std::thread t([&] {
        char buf[8];
        try {
            (void)sock.recv_from(buf, sizeof buf);
        } catch (const std::system_error& e) {
            woken = e.code();
        }
    });
    wl::shutdown(sock, SHUT_RD);  // unconnected UDP: success, not ENOTCONN
    t.join();
    CHECK(woken.value() == ESHUTDOWN);

    auto [a, b] = wl::datagram_pair(0);
    std::size_t got = 99;
    std::thread r([&, &a = a] {
        char buf[8];
        got = a.recv(buf, sizeof buf);
    });
    wl::shutdown(a, SHUT_RD);
    r.join();
    CHECK_EQ(got, 0u);
}
