// Per-datagram UDP metadata through wirelane.hpp (wl::meta): a CE mark and
// TTL 7 arrive as sent, a wildcard-bound socket reports which local address
// a datagram was sent to (127.0.0.1 vs 127.0.0.2), the kernel timestamp lies
// between send and receive, no metadata means none, and bad input is
// std::errc::invalid_argument; both families.
#include "domains.hpp"

#include <ctime>

namespace {

std::chrono::nanoseconds realtime_now() {
    timespec t{};
    clock_gettime(CLOCK_REALTIME, &t);
    return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

template <class D>
void metadata_fields(typename D::Addr wildcard, typename D::Addr sender, typename D::Addr dst) {
    auto rx = wl::RawSocket<D, wl::Datagram>::create().bind(wildcard);
    auto tx = wl::RawSocket<D, wl::Datagram>::create().bind(sender);
    rx.set_read_timeout(wlt::kTimeout);
    using K = wl::meta::Kind;
    rx.set_recv_meta(K::ecn | K::addr | K::ttl | K::timestamp, true);
    dst.set_port(rx.local_addr().port());

    wl::meta::Send<typename D::Addr> m;
    m.ecn = wl::meta::Ecn::ce;
    m.ttl = 7;
    char buf[16];
    // Stamping switches on asynchronously: retry until one is stamped.
    std::optional<wl::meta::Recv<typename D::Addr>> got;
    std::chrono::nanoseconds before{}, after{};
    for (int i = 0; i < 200; i++) {
        before = realtime_now();
        CHECK_EQ(tx.send_meta("meta", dst, m), 4u);
        got = rx.recv_meta(buf, sizeof buf);
        after = realtime_now();
        if (got->timestamp) break;
        timespec ten_ms{0, 10000000};
        nanosleep(&ten_ms, nullptr);
    }
    CHECK(got->timestamp.has_value());
    CHECK(before <= *got->timestamp && *got->timestamp <= after);
    CHECK_EQ(got->len, 4u);
    CHECK_EQ(std::string_view(buf, 4), std::string_view("meta"));
    CHECK(got->source == tx.local_addr());
    CHECK(got->ecn == wl::meta::Ecn::ce);
    CHECK(got->ttl == std::optional<std::uint8_t>(7));
    CHECK(!got->control_truncated);
    CHECK(!got->gro_segment.has_value());
    CHECK(got->dst.has_value() && got->ifindex.has_value() && *got->ifindex > 0);
    auto want = dst;
    want.set_port(0);
    CHECK(*got->dst == want);

    // No metadata asked for: default marks, and the non-throwing forms.
    CHECK(*tx.try_send_meta("x", dst, {}) == 1u);
    auto plain = rx.try_recv_meta(buf, sizeof buf);
    CHECK(plain.has_value() && plain->len == 1u);
    CHECK(plain->ecn == wl::meta::Ecn::not_ect);
    CHECK(plain->ttl.has_value() && *plain->ttl != 7);

    // Turning it off: the metadata is no longer reported.
    CHECK(rx.try_set_recv_meta(K::ecn | K::ttl, false).has_value());
    CHECK_EQ(tx.send_meta("y", dst, m), 1u);
    auto off = rx.recv_meta(buf, sizeof buf);
    CHECK(!off.ecn.has_value() && !off.ttl.has_value() && off.dst.has_value());

    // Bad input: an ECN codepoint above 3 is refused, nothing is sent.
    wl::meta::Send<typename D::Addr> bad;
    bad.ecn = static_cast<wl::meta::Ecn>(4);
    CHECK(tx.try_send_meta("z", dst, bad).error() == std::errc::invalid_argument);
    CHECK_THROWS_ERRC(tx.send_meta("z", dst, bad), std::errc::invalid_argument);
    CHECK_THROWS_ERRC(rx.set_recv_meta(static_cast<K>(1u << 20), true), std::errc::invalid_argument);
    rx.set_nonblocking(true);
    CHECK(rx.try_recv_meta(buf, sizeof buf).error() == std::errc::resource_unavailable_try_again);
}

}  // namespace

WLT_TEST(udp_meta_ipv4_loopback) {
    metadata_fields<wl::Ipv4>(wl::SocketAddrV4::unspecified(0), wl::SocketAddrV4::localhost(0),
                              wl::SocketAddrV4::localhost(0));
}
WLT_TEST(udp_meta_ipv4_second_address) {
    metadata_fields<wl::Ipv4>(wl::SocketAddrV4::unspecified(0), wl::SocketAddrV4::localhost(0),
                              wl::SocketAddrV4({127, 0, 0, 2}, 0));
}
WLT_TEST(udp_meta_ipv6) {
    metadata_fields<wl::Ipv6>(wl::SocketAddrV6::unspecified(0), wl::SocketAddrV6::localhost(0),
                              wl::SocketAddrV6::localhost(0));
}
