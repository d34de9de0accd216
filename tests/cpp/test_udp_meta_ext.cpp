// UDP metadata beyond the unconnected datagram through wirelane.hpp, both
// families on loopback: ConnectedDatagram set_recv_meta / recv_meta /
// send_meta carry a CE mark and TTL 7; recv_error on both states reads the
// ECONNREFUSED of a send to a closed port with the offender; PMTU modes and
// the path MTU; every SendBatch::push_meta slot keeps its own ECN and TTL
// through RecvBatch::meta and RecvBatch::control, and through RecvSlots into
// the caller's own buffers; wl::cmsg Builder / View /
// recv_cmsg carry raw control messages and report a cut control buffer.
#include "domains.hpp"

#include <ctime>

namespace {

template <class D>
std::pair<wl::ConnectedDatagram<D>, wl::ConnectedDatagram<D>> ext_conn_pair(typename D::Addr lo) {
    auto a = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    auto b = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    const auto aa = a.local_addr(), ba = b.local_addr();
    auto ca = std::move(a).connect(ba);
    auto cb = std::move(b).connect(aa);
    ca.set_read_timeout(wlt::kTimeout);
    cb.set_read_timeout(wlt::kTimeout);
    return {std::move(ca), std::move(cb)};
}

template <class D>
void ext_connected_meta(typename D::Addr lo) {
    auto [tx, rx] = ext_conn_pair<D>(lo);
    using K = wl::meta::Kind;
    rx.set_recv_meta(K::ecn | K::ttl | K::addr, true);
    wl::meta::Send<typename D::Addr> m;
    m.ecn = wl::meta::Ecn::ce;
    m.ttl = 7;
    CHECK_EQ(tx.send_meta("conn", m), 4u);
    char buf[16];
    auto got = rx.recv_meta(buf, sizeof buf);
    CHECK_EQ(got.len, 4u);
    CHECK_EQ(std::string_view(buf, 4), std::string_view("conn"));
    CHECK(got.ecn == wl::meta::Ecn::ce);
    CHECK(got.ttl == std::optional<std::uint8_t>(7));
    CHECK(got.source == tx.local_addr());
    CHECK(got.dst.has_value() && !got.control_truncated);

    CHECK(rx.try_set_recv_meta(K::ecn, false).has_value());
    CHECK(*tx.try_send_meta("x", {}) == 1u);
    auto plain = rx.try_recv_meta(buf, sizeof buf);
    CHECK(plain.has_value() && !plain->ecn.has_value() && plain->ttl.has_value());

    tx.set_mtu_discover(wl::meta::PmtuDiscover::do_);
    CHECK(tx.mtu_discover() == wl::meta::PmtuDiscover::do_);
    CHECK(tx.try_set_mtu_discover(wl::meta::PmtuDiscover::probe).has_value());
    CHECK(*tx.try_mtu_discover() == wl::meta::PmtuDiscover::probe);
    CHECK(tx.path_mtu() >= 1280u);
    CHECK(*tx.try_path_mtu() == tx.path_mtu());
    CHECK_THROWS_ERRC(tx.set_mtu_discover(static_cast<wl::meta::PmtuDiscover>(42)), std::errc::invalid_argument);

    wl::meta::Send<typename D::Addr> bad;
    bad.ecn = static_cast<wl::meta::Ecn>(4);
    CHECK(tx.try_send_meta("z", bad).error() == std::errc::invalid_argument);
    rx.set_nonblocking(true);
    CHECK(rx.try_recv_meta(buf, sizeof buf).error() == std::errc::resource_unavailable_try_again);
}

// The ICMP error arrives asynchronously: wait for it, bounded.
template <class S>
auto ext_wait_error(const S& s, void* buf, std::size_t len) {
    for (int i = 0; i < 300; i++) {
        auto r = s.try_recv_error(buf, len);
        if (r.has_value() || r.error() != std::errc::resource_unavailable_try_again) return r;
        timespec ten_ms{0, 10000000};
        nanosleep(&ten_ms, nullptr);
    }
    return s.try_recv_error(buf, len);
}

template <class D>
void ext_error_queue(typename D::Addr lo, bool v6) {
    auto gone = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    const auto closed = gone.local_addr();
    { auto drop = std::move(gone); }
    auto tx = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    tx.set_recv_meta(wl::meta::Kind::errors, true);
    CHECK(tx.try_recv_error().error() == std::errc::resource_unavailable_try_again);
    CHECK_THROWS_ERRC(tx.recv_error(), std::errc::resource_unavailable_try_again);
    tx.set_mtu_discover(wl::meta::PmtuDiscover::probe);
    CHECK(tx.mtu_discover() == wl::meta::PmtuDiscover::probe);

    auto host = lo;
    host.set_port(0);
    CHECK_EQ(tx.send_to("x", closed), 1u);
    char payload[8];
    auto q = ext_wait_error(tx, payload, sizeof payload);
    CHECK(q.has_value());
    CHECK(q->code() == std::errc::connection_refused);
    CHECK(q->origin == (v6 ? wl::meta::Origin::icmp6 : wl::meta::Origin::icmp));
    CHECK_EQ(static_cast<int>(q->icmp_type), v6 ? 1 : 3);
    CHECK(q->offender.has_value() && *q->offender == host);
    CHECK_EQ(q->len, 1u);
    CHECK_EQ(payload[0], 'x');
    if (q->destination) CHECK_EQ(q->destination->port(), closed.port());

    auto conn = std::move(tx).connect(closed);
    CHECK_EQ(conn.send("yy"), 2u);
    auto cq = ext_wait_error(conn, nullptr, 0);
    CHECK(cq.has_value() && cq->error == ECONNREFUSED && *cq->offender == host);
    CHECK(conn.try_recv_error().error() == std::errc::resource_unavailable_try_again);
}

template <class D>
void ext_batch_slots(typename D::Addr lo, bool v6) {
    auto rx = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    auto tx = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    rx.set_read_timeout(wlt::kTimeout);
    rx.set_recv_meta(wl::meta::Kind::ecn | wl::meta::Kind::ttl, true);
    const auto to = rx.local_addr();
    constexpr std::size_t n = 8;
    wl::batch::SendBatch<D> sb(n);
    wl::batch::RecvBatch<D> rb(n, 64);
    const std::string payloads[n] = {"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"};
    for (std::size_t i = 0; i < n; i++) {
        wl::meta::Send<typename D::Addr> m;
        m.ecn = static_cast<wl::meta::Ecn>(i % 4);
        m.ttl = static_cast<std::uint8_t>(10 + i);
        sb.push_meta(payloads[i], to, m);
    }
    CHECK(sb.try_push_meta(payloads[0], to, {}).error() == std::errc::no_buffer_space);
    CHECK_EQ(tx.send_batch(sb), n);
    const int hop_level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
    const int hop_type = v6 ? IPV6_HOPLIMIT : IP_TTL;
    std::size_t seen = 0;
    while (seen < n) {
        const std::size_t k = rx.recv_batch(rb, wl::batch::waitforone);
        for (std::size_t j = 0; j < k; j++) {
            const std::size_t i = static_cast<std::size_t>(rb[j].data[1] - '0');
            CHECK_EQ(i, seen + j);
            auto m = rb.meta(j);
            CHECK_EQ(m.len, 2u);
            CHECK(m.ecn == static_cast<wl::meta::Ecn>(i % 4));
            CHECK(m.ttl == std::optional<std::uint8_t>(static_cast<std::uint8_t>(10 + i)));
            auto hop = rb.control(j).find(hop_level, hop_type);
            CHECK(hop.has_value() && hop->template as<int>() == std::optional<int>(static_cast<int>(10 + i)));
        }
        seen += k;
    }
    CHECK_THROWS_ERRC(rb.meta(n), std::errc::invalid_argument);

    // The same into the caller's own buffers.
    wl::batch::RecvSlots<D> slots(n);
    CHECK_EQ(tx.send_batch(sb), n);
    char mine[n][8];
    iovec iov[n];
    for (std::size_t i = 0; i < n; i++) iov[i] = iovec{mine[i], sizeof mine[i]};
    seen = 0;
    while (seen < n) {
        const std::size_t k = rx.recv_slots(slots, iov, n - seen, wl::batch::waitforone);
        CHECK_EQ(slots.len(), k);
        for (std::size_t j = 0; j < k; j++) {
            const std::size_t i = static_cast<std::size_t>(mine[j][1] - '0');
            CHECK_EQ(i, seen + j);
            auto m = slots.meta(j);
            CHECK(m.len == 2u && m.source == tx.local_addr());
            CHECK(m.ecn == static_cast<wl::meta::Ecn>(i % 4));
            CHECK((slots.flags(j) & (MSG_TRUNC | MSG_CTRUNC)) == 0);
            CHECK(slots.control(j).find(hop_level, hop_type)->template as<int>() ==
                  std::optional<int>(static_cast<int>(10 + i)));
        }
        seen += k;
    }
    CHECK_THROWS_ERRC(slots.meta(n), std::errc::invalid_argument);
    CHECK(rx.try_recv_slots(slots, iov, 0).error() == std::errc::invalid_argument);
    sb.clear();
    wl::meta::Send<typename D::Addr> zero;
    zero.segment_size = 0;
    CHECK(sb.try_push_meta(payloads[0], to, zero).error() == std::errc::invalid_argument);
    CHECK(sb.empty());
}

template <class D>
void ext_generic_cmsg(typename D::Addr lo, bool v6) {
    auto rx = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    auto tx = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    rx.set_read_timeout(wlt::kTimeout);
    rx.set_recv_meta(wl::meta::Kind::ecn | wl::meta::Kind::ttl, true);
    const int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
    const int tos_type = v6 ? IPV6_TCLASS : IP_TOS;
    const int hop_type = v6 ? IPV6_HOPLIMIT : IP_TTL;
    alignas(8) unsigned char out[wl::cmsg::recv_space];
    wl::cmsg::Builder b(out, sizeof out);
    b.push_value(level, tos_type, 3).push_value(level, hop_type, 7);
    CHECK_EQ(b.size(), 2 * wl::cmsg::space(sizeof(int)));
    std::size_t count = 0;
    for (const auto& msg : b.view()) {
        CHECK_EQ(msg.level, level);
        count++;
    }
    CHECK_EQ(count, 2u);
    CHECK_EQ(tx.send_cmsg("raw", rx.local_addr(), b), 3u);

    char buf[16];
    alignas(8) unsigned char in[wl::cmsg::recv_space];
    auto got = rx.recv_cmsg(buf, sizeof buf, in, sizeof in);
    CHECK_EQ(got.len, 3u);
    CHECK(!got.truncated && !got.control_truncated);
    CHECK(got.source == tx.local_addr());
    CHECK(got.control.check().has_value());
    auto tos = got.control.find(level, tos_type);
    CHECK(tos.has_value() && static_cast<unsigned char>(tos->data[0]) == 3);
    CHECK(got.control.find(level, hop_type)->template as<int>() == std::optional<int>(7));
    auto m = got.meta();
    CHECK(m.ecn == wl::meta::Ecn::ce && m.ttl == std::optional<std::uint8_t>(7) && !m.control_truncated);

    // Room for one message of two: the cut is reported.
    CHECK_EQ(tx.send_cmsg("cut", rx.local_addr(), b), 3u);
    auto cut = rx.recv_cmsg(buf, sizeof buf, in, wl::cmsg::space(sizeof(int)));
    CHECK(cut.control_truncated && (cut.flags & MSG_CTRUNC) != 0);
    CHECK(cut.meta().control_truncated);

    // Connected; a malformed buffer is refused with its offset named.
    auto [a, c] = ext_conn_pair<D>(lo);
    c.set_recv_meta(wl::meta::Kind::ttl, true);
    CHECK_EQ(a.send_cmsg("cc", b), 2u);
    auto cg = c.recv_cmsg(buf, sizeof buf, in, sizeof in);
    CHECK(cg.control.find(level, hop_type)->template as<int>() == std::optional<int>(7));
    alignas(8) unsigned char bad[32] = {};
    const std::size_t huge = 1000;
    std::memcpy(bad, &huge, sizeof huge);
    wl::cmsg::View broken(bad, sizeof bad);
    CHECK(broken.check().error() == std::errc::invalid_argument);
    CHECK_THROWS_ERRC((void)broken.begin(), std::errc::invalid_argument);
    wl::cmsg::Builder little(bad, 24);
    little.push_value(IPPROTO_IP, IP_TTL, 1);
    CHECK(little.try_push(IPPROTO_IP, IP_TTL, &huge, sizeof(int)).error() == std::errc::no_buffer_space);
    CHECK_EQ(little.size(), 24u);
}

}  // namespace

WLT_TEST(udp_meta_connected_ipv4) { ext_connected_meta<wl::Ipv4>(wl::SocketAddrV4::localhost(0)); }
WLT_TEST(udp_meta_connected_ipv6) { ext_connected_meta<wl::Ipv6>(wl::SocketAddrV6::localhost(0)); }
WLT_TEST(udp_error_queue_ipv4) { ext_error_queue<wl::Ipv4>(wl::SocketAddrV4::localhost(0), false); }
WLT_TEST(udp_error_queue_ipv6) { ext_error_queue<wl::Ipv6>(wl::SocketAddrV6::localhost(0), true); }
WLT_TEST(udp_batch_slot_meta_ipv4) { ext_batch_slots<wl::Ipv4>(wl::SocketAddrV4::localhost(0), false); }
WLT_TEST(udp_batch_slot_meta_ipv6) { ext_batch_slots<wl::Ipv6>(wl::SocketAddrV6::localhost(0), true); }
WLT_TEST(udp_generic_cmsg_ipv4) { ext_generic_cmsg<wl::Ipv4>(wl::SocketAddrV4::localhost(0), false); }
WLT_TEST(udp_generic_cmsg_ipv6) { ext_generic_cmsg<wl::Ipv6>(wl::SocketAddrV6::localhost(0), true); }
