// MPTCP streams (IPPROTO_MPTCP) from C++: wl::mptcp4()/mptcp6() and
// wl::open_socket<D, wl::Stream>(flags, IPPROTO_MPTCP) go through the TCP
// typestates (RawSocket -> BoundSocket -> Listener, RawSocket ->
// ConnectedStream or PendingConnect -> ConnectedStream); over IPv4 and IPv6
// loopback checksummed data crosses both ways and SO_PROTOCOL says
// IPPROTO_MPTCP on every socket. Inside user + network namespaces the test
// creates (kinds_netns.hpp) with net.mptcp.enabled = 0 the creation throws
// ENOPROTOOPT with a message naming the sysctl. The host must have MPTCP on:
// a refusal there fails, never skips.
#include "harness.hpp"
#include "kinds_netns.hpp"

#include <fcntl.h>
#include <poll.h>

#include <cstdint>
#include <string>
#include <type_traits>

namespace {

constexpr int kMptcp = 262;  // IPPROTO_MPTCP

static_assert(std::is_same_v<decltype(wl::mptcp4()), wl::RawSocket<wl::Ipv4, wl::Stream>>);
static_assert(std::is_same_v<decltype(wl::mptcp6(wl::nonblock)), wl::RawSocket<wl::Ipv6, wl::Stream>>);

std::uint64_t mptcp_fnv(std::uint64_t h, const std::string& bytes) {
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
    return h;
}

std::string mptcp_chunk(std::size_t round, unsigned seed) {
    std::string s(4096, '\0');
    for (std::size_t i = 0; i < s.size(); i++) {
        const std::size_t k = round * s.size() + i;
        s[i] = static_cast<char>(((k * 2654435761u) >> 13) ^ seed ^ (k >> 8));
    }
    return s;
}

bool mptcp_nonblocking_fd(int fd) { return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

// Reads exactly n bytes; a non-blocking stream is polled on EAGAIN.
template <class D>
std::string mptcp_recv_exact(const wl::ConnectedStream<D>& s, std::size_t n) {
    std::string out(n, '\0');
    std::size_t off = 0;
    while (off < n) {
        auto got = s.try_recv(out.data() + off, n - off);
        if (!got && got.error() == std::errc::resource_unavailable_try_again) {
            pollfd p{s.fd(), POLLIN, 0};
            CHECK(::poll(&p, 1, 5000) == 1);
            continue;
        }
        CHECK(got.has_value());
        CHECK(*got > 0);
        off += *got;
    }
    return out;
}

// 64 rounds of 4 KiB each way in lock step; checksums match end to end.
template <class D>
void mptcp_exchange(const wl::ConnectedStream<D>& client, const wl::ConnectedStream<D>& server) {
    std::uint64_t sent_up = 14695981039346656037ull, got_up = sent_up, sent_down = sent_up, got_down = sent_up;
    for (std::size_t r = 0; r < 64; r++) {
        const std::string up = mptcp_chunk(r, 0x5a);
        sent_up = mptcp_fnv(sent_up, up);
        client.send_all(up, std::chrono::milliseconds(5000));
        got_up = mptcp_fnv(got_up, mptcp_recv_exact(server, up.size()));
        const std::string down = mptcp_chunk(r, 0xa5);
        sent_down = mptcp_fnv(sent_down, down);
        server.send_all(down, std::chrono::milliseconds(5000));
        got_down = mptcp_fnv(got_down, mptcp_recv_exact(client, down.size()));
    }
    CHECK_EQ(sent_up, got_up);
    CHECK_EQ(sent_down, got_down);
    CHECK(sent_up != sent_down);
}

template <class D>
void mptcp_blocking(typename D::Addr local, wl::RawSocket<D, wl::Stream> (*make)(unsigned)) {
    auto raw = make(0);
    CHECK_EQ(wl::socket_protocol(raw), kMptcp);
    wl::BoundSocket<D, wl::Stream> bound = std::move(raw).bind(local);
    wl::Listener<D> listener = std::move(bound).listen(8);
    CHECK_EQ(wl::socket_protocol(listener), kMptcp);
    listener.set_read_timeout(wlt::kTimeout);
    const auto addr = listener.local_addr();
    wl::ConnectedStream<D> client = make(0).connect(addr);
    auto [server, peer] = listener.accept_with_addr();
    CHECK(peer == client.local_addr());
    CHECK_EQ(wl::socket_protocol(client), kMptcp);
    CHECK_EQ(wl::socket_protocol(server), kMptcp);
    client.set_read_timeout(wlt::kTimeout);
    server.set_read_timeout(wlt::kTimeout);
    mptcp_exchange(client, server);
    client.shutdown(wl::Shutdown::Write);
    char buf[8];
    CHECK_EQ(server.recv(buf, sizeof buf), 0u);
}

template <class D>
void mptcp_nonblocking(typename D::Addr local) {
    auto listener = wl::open_socket<D, wl::Stream>(wl::nonblock, kMptcp).bind(local).listen(8);
    CHECK(mptcp_nonblocking_fd(listener.fd()));
    auto drained = wl::try_accept(listener, wl::nonblock);
    CHECK(!drained && drained.error() == std::errc::resource_unavailable_try_again);
    wl::PendingConnect<D> pending =
        wl::open_socket<D, wl::Stream>(wl::nonblock, kMptcp).connect_nonblocking(listener.local_addr());
    CHECK_EQ(wl::socket_protocol(pending), kMptcp);
    pollfd p{listener.fd(), POLLIN, 0};
    CHECK(::poll(&p, 1, 5000) == 1);
    auto [server, peer] = wl::accept(listener, wl::nonblock);
    (void)peer;
    CHECK(pending.wait(std::chrono::milliseconds(5000)));
    wl::ConnectedStream<D> client = std::move(pending).finish();
    CHECK(mptcp_nonblocking_fd(client.fd()) && mptcp_nonblocking_fd(server.fd()));
    CHECK_EQ(wl::socket_protocol(client), kMptcp);
    CHECK_EQ(wl::socket_protocol(server), kMptcp);
    mptcp_exchange(client, server);
}

}  // namespace

WLT_TEST(mptcp_connect_accept_echo_v4) { mptcp_blocking<wl::Ipv4>(wl::SocketAddrV4::localhost(0), wl::mptcp4); }

WLT_TEST(mptcp_connect_accept_echo_v6) { mptcp_blocking<wl::Ipv6>(wl::SocketAddrV6::localhost(0), wl::mptcp6); }

WLT_TEST(mptcp_nonblocking_pending_finish_accept) {
    mptcp_nonblocking<wl::Ipv4>(wl::SocketAddrV4::localhost(0));
    mptcp_nonblocking<wl::Ipv6>(wl::SocketAddrV6::localhost(0));
}

WLT_TEST(mptcp_disabled_in_namespace_is_a_clear_error) {
    for (const bool v6 : {false, true}) {
        const int refused = wlt::in_namespaces(wlt::Ns::UserAndNet, [v6] {
            wlt::ns_write("/proc/sys/net/mptcp/enabled", "0");
            try {
                auto s = v6 ? wl::mptcp6().into_fd() : wl::mptcp4().into_fd();
                return s;  // created: wrong, and the parent sees a descriptor
            } catch (const std::system_error& e) {
                const std::string what = e.what();
                if (what.find("net.mptcp.enabled") == std::string::npos) return -ENOMSG;
                if (e.code() != std::errc::no_protocol_option) return -EBADMSG;
                // The non-throwing form says the same.
                auto r = wl::try_open_socket<wl::Ipv4, wl::Stream>(0, kMptcp);
                if (r || r.error() != std::errc::no_protocol_option) return -EPROTO;
                if (wl::last_error_message().find("net.mptcp.enabled") == std::string::npos) return -ENOMSG;
                return -e.code().value();
            }
        });
        CHECK_EQ(refused, -ENOPROTOOPT);
    }
    // Where MPTCP makes no sense the refusal names what is accepted.
    CHECK_THROWS_ERRC((wl::open_socket<wl::Unix, wl::Stream>(0, kMptcp)), std::errc::protocol_not_supported);
    CHECK_THROWS_ERRC((wl::open_socket<wl::Ipv4, wl::Datagram>(0, kMptcp)), std::errc::protocol_not_supported);
    CHECK_THROWS_ERRC(wl::mptcp4(2), std::errc::invalid_argument);
}
