// The socket kinds beyond TCP and UDP: Unix SEQPACKET (boundaries kept,
// truncation thrown as wl::MessageTruncated with both lengths), ICMP echo
// and raw IP sockets made inside user + network namespaces the test
// creates (kinds_netns.hpp).
#include "harness.hpp"
#include "kinds_netns.hpp"

#include <cstring>
#include <string>

namespace {

wl::UnixAddr fresh_path(const char* tag) { return wl::UnixAddr::from_path(wlt::unix_path(tag)); }

}  // namespace

WLT_TEST(seqpacket_listen_accept_keeps_boundaries) {
    const auto addr = fresh_path("seqpacket");
    auto listener = wl::unix_seqpacket().bind(addr).listen(4);
    auto client = wl::RawSocket<wl::Unix, wl::SeqPacket>::create().connect(addr);
    auto [server, peer] = listener.accept_with_addr();
    (void)peer;
    server.set_read_timeout(wlt::kTimeout);
    CHECK_EQ(client.send("one"), 3u);
    CHECK_EQ(client.send("second message"), 14u);
    CHECK_EQ(server.next_len(), 3u);
    char buf[64];
    CHECK_EQ(server.recv(buf, sizeof buf), 3u);
    CHECK_EQ(std::string(buf, 3), std::string("one"));
    CHECK_EQ(server.recv_message(), std::string("second message"));
    CHECK(client.peer_addr() == addr);
    CHECK_EQ(server.peer_credentials().pid, ::getpid());
    client.shutdown(wl::Shutdown::Write);
    CHECK_EQ(server.recv(buf, sizeof buf), 0u);
    ::unlink(addr.to_string().c_str());
}

WLT_TEST(seqpacket_truncation_throws_with_both_lengths) {
    auto [a, b] = wl::ConnectedSeqPacket::pair();
    CHECK_EQ(a.send("twelve bytes"), 12u);
    CHECK_EQ(a.send("next"), 4u);
    char small[6];
    std::size_t whole = 0;
    auto peeked = b.try_recv(small, sizeof small, MSG_PEEK, &whole);
    CHECK(!peeked && peeked.error() == std::errc::message_size && whole == 12);
    bool thrown = false;
    try {
        (void)b.recv(small, sizeof small);
    } catch (const wl::MessageTruncated& e) {
        thrown = true;
        CHECK_EQ(e.received(), 6u);
        CHECK_EQ(e.message_len(), 12u);
        CHECK(e.code() == std::errc::message_size);
        CHECK(std::string(e.what()).find("12 bytes") != std::string::npos);
    }
    CHECK(thrown);
    CHECK_EQ(std::string(small, 6), std::string("twelve"));
    CHECK_EQ(b.recv_message(), std::string("next"));
    auto c = b.try_clone();
    (void)c;
}

WLT_TEST(seqpacket_failures_keep_the_socket_and_fds_round_trip) {
    auto raw = wl::unix_seqpacket();
    auto refused = std::move(raw).try_connect(fresh_path("nobody"));
    CHECK(!refused);
    auto again = std::move(refused.error()).into_socket();
    const int fd = std::move(again).into_fd();
    auto adopted = wl::RawSocket<wl::Unix, wl::SeqPacket>::from_fd(fd);
    CHECK_EQ(adopted.fd(), fd);
    auto [a, b] = wl::ConnectedSeqPacket::pair();
    (void)b;
    const int conn_fd = std::move(a).into_fd();
    CHECK_THROWS_ERRC(wl::SeqPacketListener::from_fd(conn_fd), std::errc::invalid_argument);
    ::close(conn_fd);  // a refused adoption leaves the descriptor ours
    CHECK_THROWS_ERRC(wl::ConnectedSeqPacket::from_fd(-1), std::errc::bad_file_descriptor);
}

WLT_TEST(icmp_echo_inside_namespaces) {
    const int fd = wlt::in_namespaces(wlt::Ns::UserAndNet,
                                      [] { return wl::RawSocket<wl::Ipv4, wl::Icmp>::create().into_fd(); });
    CHECK(fd >= 0);
    auto raw = wl::RawSocket<wl::Ipv4, wl::Icmp>::from_fd(fd);
    auto ping = std::move(raw).connect(wl::SocketAddrV4::localhost(0));
    ping.set_read_timeout(wlt::kTimeout);
    ping.send_echo(7, "ping payload");
    char buf[64];
    const wl::EchoReply r = ping.recv_echo(buf, sizeof buf);
    CHECK_EQ(r.seq, 7);
    CHECK_EQ(r.len, 12u);
    CHECK_EQ(r.ident, ping.ident());
    CHECK_EQ(std::string(buf, r.len), std::string("ping payload"));
    ping.send_echo(8, "a longer payload");
    CHECK_THROWS_ERRC(ping.recv_echo(buf, 4), std::errc::message_size);

    const int fd6 = wlt::in_namespaces(wlt::Ns::UserAndNet, [] {
        return wl::RawSocket<wl::Ipv6, wl::Icmp>::create().bind(wl::SocketAddrV6::unspecified(4242)).into_fd();
    });
    auto bound = wl::BoundIcmp<wl::Ipv6>::from_fd(fd6);
    CHECK_EQ(bound.ident(), 4242);
    bound.set_read_timeout(wlt::kTimeout);
    bound.send_echo_to(wl::SocketAddrV6::localhost(0), 1, "six");
    auto [reply, host] = bound.recv_echo_from(buf, sizeof buf);
    CHECK_EQ(reply.len, 3u);
    CHECK(host.ip() == wl::SocketAddrV6::localhost(0).ip());
    auto conn = std::move(bound).connect(wl::SocketAddrV6::localhost(0));
    CHECK_EQ(conn.ident(), 4242);
}

WLT_TEST(raw_ip_inside_namespaces_and_refused_outside) {
    const int fd = wlt::in_namespaces(wlt::Ns::UserAndNet, [] {
        return wl::RawSocket<wl::Ipv4, wl::RawIp>::create(253).bind(wl::SocketAddrV4::localhost(0)).into_fd();
    });
    auto raw = wl::BoundRawIp<wl::Ipv4>::from_fd(fd);
    raw.set_read_timeout(wlt::kTimeout);
    CHECK_EQ(raw.send_to("raw payload", wl::SocketAddrV4::localhost(0)), 11u);
    unsigned char buf[128];
    auto [n, from] = raw.recv_from(buf, sizeof buf);
    const std::size_t ihl = static_cast<std::size_t>(buf[0] & 0x0f) * 4;
    CHECK_EQ(n, ihl + 11);
    CHECK_EQ(static_cast<int>(buf[9]), 253);
    CHECK(from == wl::SocketAddrV4::localhost(0));
    auto conn = std::move(raw).connect(wl::SocketAddrV4::localhost(0));
    CHECK_EQ(conn.send("again"), 5u);
    CHECK_EQ(conn.recv(buf, sizeof buf), ihl + 5);

    const int refused = wlt::in_namespaces(wlt::Ns::UserOnly, [] {
        auto r = wl::RawSocket<wl::Ipv4, wl::RawIp>::try_create(253);
        if (r) return std::move(*r).into_fd();
        return wl::last_error_message().find("CAP_NET_RAW") != std::string::npos ? -r.error().value() : -ENOMSG;
    });
    CHECK_EQ(refused, -EPERM);
    CHECK_THROWS_ERRC((wl::RawSocket<wl::Ipv6, wl::RawIp>::create(256)), std::errc::invalid_argument);
}
