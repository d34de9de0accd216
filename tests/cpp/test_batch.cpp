// Batches (sendmmsg/recvmmsg), the README's sendmmsg form, and UDP
// segmentation offload (GSO) / receive coalescing (GRO) on loopback.
#include "domains.hpp"

#include <vector>

namespace {

template <class D>
wl::BoundDatagram<D> bound(const Local<D>& here) {
    auto s = wl::RawSocket<D, wl::Datagram>::create().bind(here.addr);
    s.set_read_timeout(wlt::kTimeout);
    return s;
}

template <class D>
void send_and_recv_batches() {
    Local<D> ha;
    Local<D> hb;
    auto a = bound(ha);
    auto b = bound(hb);
    const auto to = b.local_addr();

    wl::batch::SendBatch<D> out(4);
    CHECK_EQ(out.capacity(), 4u);
    CHECK(out.empty());
    const std::string p1 = "one";
    const std::string p2 = "two!";
    const std::string p3 = "three";
    out.push(p1, to);
    out.push(p2.data(), p2.size(), to);
    CHECK(out.try_push(p3, to).has_value());
    CHECK_EQ(out.len(), 3u);
    CHECK_EQ(a.send_batch(out), 3u);  // one sendmmsg(2)
    CHECK_EQ(out.sent(), 3u);
    CHECK_EQ(out.sent_len(1), 4u);
    CHECK_THROWS_ERRC(out.sent_len(3), std::errc::invalid_argument);
    out.remove_sent();
    CHECK(out.empty());
    // Full: ENOBUFS and nothing queued.
    for (int i = 0; i < 4; ++i) out.push(p1, to);
    CHECK_THROWS_ERRC(out.push(p1, to), std::errc::no_buffer_space);
    CHECK(out.try_push(p1, to).error() == std::errc::no_buffer_space);
    out.clear();
    CHECK_EQ(out.len(), 0u);

    wl::batch::RecvBatch<D> in(8, 2048);
    CHECK_EQ(in.capacity(), 8u);
    CHECK_EQ(in.slot_size(), 2048u);
    const std::size_t n = b.recv_batch(in, wl::batch::waitforone);
    CHECK_EQ(n, 3u);  // all three were queued on loopback
    CHECK_EQ(in.len(), 3u);
    CHECK_EQ(in[0].data, std::string_view("one"));
    CHECK_EQ(in.get(1).data, std::string_view("two!"));
    CHECK_EQ(in[2].len, 5u);
    CHECK(!in[2].truncated);
    CHECK(in[2].source == a.local_addr());
    CHECK_THROWS_ERRC(in.get(3), std::errc::invalid_argument);
    CHECK(b.try_recv_batch(in, MSG_DONTWAIT).error() == std::errc::resource_unavailable_try_again);

    // The README form: a vector of (payload, address), one syscall.
    const std::vector<std::pair<std::string_view, typename D::Addr>> messages{
        {"packet1", to}, {"packet2", to}, {"pkt3", to}};
    const auto lens = a.sendmmsg(messages);
    CHECK((lens == std::vector<std::size_t>{7, 7, 4}));
    CHECK_EQ(b.recv_batch(in, wl::batch::waitforone), 3u);
    CHECK_EQ(in[2].data, std::string_view("pkt3"));

    // Connected: messages without an address go to the peer.
    auto ac = std::move(a).connect(to);
    wl::batch::SendBatch<D> conn_batch(2);
    conn_batch.push_connected(p1);
    CHECK(conn_batch.try_push_connected(p2).has_value());
    CHECK_EQ(ac.send_batch(conn_batch), 2u);
    CHECK_EQ(b.recv_batch(in, wl::batch::waitforone), 2u);
    const std::vector<std::string> payloads{"x", "yy"};
    CHECK((ac.sendmmsg(payloads) == std::vector<std::size_t>{1, 2}));
    auto bc = std::move(b).connect(ac.local_addr());
    CHECK_EQ(bc.recv_batch(in, wl::batch::waitforone), 2u);
    CHECK_EQ(in[1].data, std::string_view("yy"));
    CHECK(*ac.try_send_batch(conn_batch) == 0u || conn_batch.sent() > 0u);
}

}  // namespace

WLT_TEST(batch_send_recv_ipv4) { send_and_recv_batches<wl::Ipv4>(); }
WLT_TEST(batch_send_recv_ipv6) { send_and_recv_batches<wl::Ipv6>(); }
WLT_TEST(batch_send_recv_unix) { send_and_recv_batches<wl::Unix>(); }

WLT_TEST(batch_truncation_and_bad_sizes) {
    Local<wl::Ipv4> ha;
    Local<wl::Ipv4> hb;
    auto a = bound(ha);
    auto b = bound(hb);
    CHECK_EQ(a.send_to(std::string(100, 'z'), b.local_addr()), 100u);
    wl::batch::RecvBatch<wl::Ipv4> small(2, 10);
    CHECK_EQ(b.recv_batch(small, wl::batch::waitforone), 1u);
    CHECK(small[0].truncated);
    CHECK_EQ(small[0].data.size(), 10u);
    CHECK_THROWS_ERRC(wl::batch::SendBatch<wl::Ipv4>(0), std::errc::invalid_argument);
    CHECK(wl::batch::SendBatch<wl::Ipv4>::try_create(wl::batch::max_batch + 1).error() == std::errc::invalid_argument);
    CHECK(wl::batch::RecvBatch<wl::Ipv4>::try_create(1, 0).error() == std::errc::invalid_argument);
    CHECK(wl::batch::RecvBatch<wl::Ipv6>::try_create(1, 1).has_value());
}

WLT_TEST(batch_gso_send_and_gro_receive) {
    Local<wl::Ipv4> ha;
    Local<wl::Ipv4> hb;
    auto rx = bound(hb);
    auto tx = std::move(bound(ha)).connect(rx.local_addr());
    CHECK_EQ(wl::batch::max_udp_payload<wl::Ipv4>(), 65507u);
    CHECK_EQ(wl::batch::max_udp_payload<wl::Ipv6>(), 65527u);

    // 4000 bytes as 1000-byte datagrams, in one send (or one sendmmsg).
    const std::string payload(4000, 'g');
    const wl::SegmentedSend sent = tx.send_segmented(payload, 1000);
    CHECK_EQ(sent.bytes, 4000u);
    CHECK_EQ(sent.datagrams, 4u);
    CHECK(sent.offloaded == !sent.fallback_error);
    // Without GRO the receiver sees four datagrams.
    std::vector<char> buf(65536);
    for (int i = 0; i < 4; ++i) {
        auto r = rx.recv_gro(buf.data(), buf.size());
        CHECK_EQ(r.len, 1000u);
        CHECK_EQ(r.segment_size, 0);
        CHECK(r.source == tx.local_addr());
    }

    // With GRO on, the kernel may coalesce them: the segment size says how
    // to split. Either way all 4000 bytes arrive in 1000-byte units.
    wl::batch::set_udp_gro(rx, true);
    CHECK(wl::batch::udp_gro(rx));
    CHECK(tx.try_send_segmented(payload, 1000).has_value());
    std::size_t total = 0;
    for (int i = 0; i < 4 && total < 4000; ++i) {
        auto r = rx.try_recv_gro(buf.data(), buf.size());
        CHECK(r.has_value());
        CHECK_EQ(r->len % 1000, 0u);
        CHECK(r->segment_size == 0 || r->segment_size == 1000);
        total += r->len;
    }
    CHECK_EQ(total, 4000u);

    // From a bound socket, to an address.
    auto other = bound(ha);
    const auto s2 = other.send_to_segmented(payload.data(), 2000, 500, rx.local_addr());
    CHECK_EQ(s2.datagrams, 4u);
    CHECK(other.try_send_to_segmented(payload, 0, rx.local_addr()).error() == std::errc::invalid_argument);

    // The socket-wide segment size.
    wl::batch::set_udp_segment(tx, 1200);
    CHECK_EQ(wl::batch::udp_segment(tx), 1200);
    wl::batch::set_udp_segment(tx, 0);
    CHECK_EQ(*wl::batch::try_udp_segment(tx), 0);
    auto c = rx.clone();
    auto drained = c.try_recv_gro(buf.data(), buf.size());
    CHECK(drained.has_value());
}
