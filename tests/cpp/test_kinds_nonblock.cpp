// The other kinds in event loops (issue 15): SEQPACKET, ICMP echo and raw
// IP sockets non-blocking from birth through create(wl::nonblock),
// wl::accept(seqpacket_listener, wl::nonblock) and
// ConnectedSeqPacket::pair(wl::nonblock); EAGAIN as
// resource_unavailable_try_again; wl::shutdown(seqpacket_listener) waking
// a thread blocked in accept.
#include "harness.hpp"
#include "kinds_netns.hpp"

#include <fcntl.h>
#include <poll.h>

#include <thread>

namespace {

bool kinds_nonblocking_fd(int fd) { return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }
bool kinds_cloexec_fd(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

}  // namespace

WLT_TEST(kinds_seqpacket_born_nonblocking) {
    const auto addr = wl::UnixAddr::from_path(wlt::unix_path("kinds-nb"));
    auto listener = wl::unix_seqpacket(wl::nonblock).bind(addr).listen(4);
    CHECK(kinds_nonblocking_fd(listener.fd()) && kinds_cloexec_fd(listener.fd()));
    auto drained = wl::try_accept(listener, wl::nonblock);
    CHECK(!drained && drained.error() == std::errc::resource_unavailable_try_again);

    auto client = wl::RawSocket<wl::Unix, wl::SeqPacket>::create(wl::nonblock).connect(addr);
    CHECK(kinds_nonblocking_fd(client.fd()));
    pollfd p{listener.fd(), POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1);
    auto [server, peer] = wl::accept(listener, wl::nonblock);
    (void)peer;
    CHECK(kinds_nonblocking_fd(server.fd()) && kinds_cloexec_fd(server.fd()));
    char buf[8];
    auto nothing = server.try_recv(buf, sizeof buf);
    CHECK(!nothing && nothing.error() == std::errc::resource_unavailable_try_again);
    CHECK_EQ(client.send("hi"), 2u);
    pollfd q{server.fd(), POLLIN, 0};
    CHECK(poll(&q, 1, 5000) == 1);
    CHECK_EQ(server.recv(buf, sizeof buf), 2u);

    auto [a, b] = wl::ConnectedSeqPacket::pair(wl::nonblock);
    CHECK(kinds_nonblocking_fd(a.fd()) && kinds_nonblocking_fd(b.fd()));
    auto [c, d] = wl::ConnectedSeqPacket::pair();
    CHECK(!kinds_nonblocking_fd(c.fd()) && !kinds_nonblocking_fd(d.fd()));
    CHECK(!kinds_nonblocking_fd(wl::RawSocket<wl::Unix, wl::SeqPacket>::create().fd()));
    auto bad = wl::RawSocket<wl::Unix, wl::SeqPacket>::try_create(0x10);
    CHECK(!bad && bad.error() == std::errc::invalid_argument);
    CHECK_THROWS_ERRC(wl::ConnectedSeqPacket::pair(0x10), std::errc::invalid_argument);
    ::unlink(addr.to_string().c_str());
}

WLT_TEST(kinds_seqpacket_listener_shutdown_wakes_accept) {
    const auto addr = wl::UnixAddr::from_path(wlt::unix_path("kinds-wake"));
    auto listener = wl::unix_seqpacket().bind(addr).listen(4);
    std::error_code woken;
    std::thread t([&] {
        auto r = listener.try_accept();
        if (!r) woken = r.error();
    });
    // Whether the thread is already asleep in accept or gets there after,
    // its accept ends with EINVAL ("shut down"); ffi-tests/test_kinds_nonblock.c
    // checks the thread is asleep in the kernel first.
    wl::shutdown(listener);
    wl::shutdown(listener);  // harmless
    t.join();
    CHECK(woken == std::errc::invalid_argument);
    CHECK_THROWS_ERRC((void)wl::accept(listener, 0), std::errc::invalid_argument);
    ::unlink(addr.to_string().c_str());
}

WLT_TEST(kinds_icmp_and_rawip_born_nonblocking) {
    const int icmp_fd = wlt::in_namespaces(
        wlt::Ns::UserAndNet, [] { return wl::RawSocket<wl::Ipv4, wl::Icmp>::create(wl::nonblock).into_fd(); });
    CHECK(icmp_fd >= 0);
    CHECK(kinds_nonblocking_fd(icmp_fd) && kinds_cloexec_fd(icmp_fd));
    auto ping = wl::RawSocket<wl::Ipv4, wl::Icmp>::from_fd(icmp_fd).connect(wl::SocketAddrV4::localhost(0));
    char buf[64];
    auto none = ping.try_recv_echo(buf, sizeof buf);
    CHECK(!none && none.error() == std::errc::resource_unavailable_try_again);
    ping.send_echo(3, "nb");
    pollfd p{ping.fd(), POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1);
    CHECK_EQ(ping.recv_echo(buf, sizeof buf).seq, 3);

    const int raw_fd = wlt::in_namespaces(
        wlt::Ns::UserAndNet, [] { return wl::RawSocket<wl::Ipv4, wl::RawIp>::create(253, wl::nonblock).into_fd(); });
    CHECK(raw_fd >= 0);
    CHECK(kinds_nonblocking_fd(raw_fd) && kinds_cloexec_fd(raw_fd));
    ::close(raw_fd);
    auto bad = wl::RawSocket<wl::Ipv4, wl::Icmp>::try_create(0x10);
    CHECK(!bad && bad.error() == std::errc::invalid_argument);
}
