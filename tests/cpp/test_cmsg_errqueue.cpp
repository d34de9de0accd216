// The error queue and software timestamps through wl::cmsg, both families on
// loopback: a datagram to a closed port comes back through recv_cmsg with
// MSG_ERRQUEUE (bound and connected) as one IP_RECVERR / IPV6_RECVERR
// message, and Received::queued_error names ECONNREFUSED, the ICMP / ICMP6
// origin, port unreachable and the loopback offender; a too-small control
// buffer is MSG_CTRUNC and ENOBUFS (never a silent loss); a plain datagram
// has no queued error (ENOMSG); meta::Kind::software_timestamp stamps lie
// between send and receive.
#include "domains.hpp"

#include <chrono>
#include <ctime>
#include <linux/errqueue.h>

namespace {

void pause_10ms() {
    timespec ten_ms{0, 10000000};
    nanosleep(&ten_ms, nullptr);
}

// MSG_ERRQUEUE never blocks; the ICMP error arrives after the send.
template <class S>
auto errqueue(const S& s, void* buf, std::size_t len, void* ctl, std::size_t cap) {
    for (int i = 0; i < 300; i++) {
        auto r = s.try_recv_cmsg(buf, len, ctl, cap, MSG_ERRQUEUE);
        if (r.has_value() || r.error() != std::errc::resource_unavailable_try_again) return r;
        pause_10ms();
    }
    return s.try_recv_cmsg(buf, len, ctl, cap, MSG_ERRQUEUE);
}

template <class A>
void check_refused(const wl::cmsg::Received<A>& got, const A& closed, const A& host, bool v6, std::size_t len) {
    CHECK(!got.control_truncated && (got.flags & MSG_ERRQUEUE) != 0);
    CHECK_EQ(got.len, len);
    std::size_t n = 0;
    for (const auto& m : got.control) {
        CHECK_EQ(m.level, v6 ? IPPROTO_IPV6 : IPPROTO_IP);
        CHECK_EQ(m.type, v6 ? IPV6_RECVERR : IP_RECVERR);
        CHECK_EQ(m.data.size(), sizeof(sock_extended_err) + (v6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in)));
        sock_extended_err ee;
        std::memcpy(&ee, m.data.data(), sizeof ee);
        CHECK_EQ(static_cast<int>(ee.ee_errno), ECONNREFUSED);
        CHECK_EQ(static_cast<int>(ee.ee_origin), v6 ? SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP);
        n++;
    }
    CHECK_EQ(n, 1u);
    auto q = got.queued_error();
    CHECK(q.code() == std::errc::connection_refused);
    CHECK(q.origin == (v6 ? wl::meta::Origin::icmp6 : wl::meta::Origin::icmp));
    CHECK_EQ(static_cast<int>(q.icmp_type), v6 ? 1 : 3);
    CHECK_EQ(static_cast<int>(q.icmp_code), v6 ? 4 : 3);
    CHECK(q.offender.has_value() && *q.offender == host);
    CHECK(q.destination.has_value() && q.destination->port() == closed.port());
    CHECK_EQ(q.len, len);
}

template <class D>
void errqueue_through_cmsg(typename D::Addr lo, bool v6) {
    auto gone = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    const auto closed = gone.local_addr();
    { auto drop = std::move(gone); }
    auto host = lo;
    host.set_port(0);
    auto tx = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    tx.set_recv_meta(wl::meta::Kind::errors, true);
    char buf[16];
    alignas(8) unsigned char ctl[wl::cmsg::recv_space];
    CHECK(tx.try_recv_cmsg(buf, sizeof buf, ctl, sizeof ctl, MSG_ERRQUEUE).error() ==
          std::errc::resource_unavailable_try_again);

    CHECK_EQ(tx.send_to("x", closed), 1u);
    auto got = errqueue(tx, buf, sizeof buf, ctl, sizeof ctl);
    CHECK(got.has_value());
    check_refused(*got, closed, host, v6, 1);

    // Too small a control buffer: reported, never silently lost.
    CHECK_EQ(tx.send_to("cut", closed), 3u);
    auto cut = errqueue(tx, buf, sizeof buf, ctl, sizeof(cmsghdr) + 8);
    CHECK(cut.has_value() && cut->control_truncated && (cut->flags & MSG_CTRUNC) != 0);
    CHECK(cut->try_queued_error().error() == std::errc::no_buffer_space);
    CHECK_THROWS_ERRC((void)cut->queued_error(), std::errc::no_buffer_space);

    auto conn = std::move(tx).connect(closed);
    CHECK_EQ(conn.send("yy"), 2u);
    auto cg = errqueue(conn, buf, sizeof buf, ctl, sizeof ctl);
    CHECK(cg.has_value());
    check_refused(*cg, closed, host, v6, 2);
}

template <class D>
void software_timestamp(typename D::Addr lo) {
    auto rx = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    auto tx = wl::RawSocket<D, wl::Datagram>::create().bind(lo);
    rx.set_read_timeout(wlt::kTimeout);
    rx.set_recv_meta(wl::meta::Kind::software_timestamp, true);
    char buf[16];
    using clock = std::chrono::system_clock;
    for (int i = 0; i < 200; i++) {
        const auto before = clock::now().time_since_epoch();
        CHECK_EQ(tx.send_to("ts", rx.local_addr()), 2u);
        auto m = rx.recv_meta(buf, sizeof buf);
        const auto after = clock::now().time_since_epoch();
        if (!m.timestamp) {
            pause_10ms();
            continue;
        }
        CHECK(before <= *m.timestamp && *m.timestamp <= after);
        // A plain datagram's control data holds no queued error.
        CHECK_EQ(tx.send_to("raw", rx.local_addr()), 3u);
        alignas(8) unsigned char ctl[wl::cmsg::recv_space];
        auto got = rx.recv_cmsg(buf, sizeof buf, ctl, sizeof ctl);
        auto stamp = got.control.find(SOL_SOCKET, SO_TIMESTAMPING);
        CHECK(stamp.has_value() && stamp->data.size() == 3 * sizeof(timespec));
        CHECK(got.try_queued_error().error() == std::errc::no_message);
        return;
    }
    CHECK(!"no software timestamp within 200 tries");
}

}  // namespace

WLT_TEST(cmsg_errqueue_ipv4) { errqueue_through_cmsg<wl::Ipv4>(wl::SocketAddrV4::localhost(0), false); }
WLT_TEST(cmsg_errqueue_ipv6) { errqueue_through_cmsg<wl::Ipv6>(wl::SocketAddrV6::localhost(0), true); }
WLT_TEST(software_timestamp_ipv4) { software_timestamp<wl::Ipv4>(wl::SocketAddrV4::localhost(0)); }
WLT_TEST(software_timestamp_ipv6) { software_timestamp<wl::Ipv6>(wl::SocketAddrV6::localhost(0)); }
