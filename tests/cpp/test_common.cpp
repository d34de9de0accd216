// The calls every state has (fd, local_addr, non-blocking flag, timeouts,
// take_error), run on one object of every class.
#include "domains.hpp"

#include <fcntl.h>

namespace {

template <class S>
void common_calls(const S& s) {
    const int fd = s.fd();
    CHECK(fd >= 0);
    CHECK_EQ(*s.try_fd(), fd);
    CHECK(::fcntl(fd, F_GETFD) & FD_CLOEXEC);  // every socket is close-on-exec
    (void)s.local_addr();
    CHECK(s.try_local_addr().has_value());

    const bool was = s.is_nonblocking();
    s.set_nonblocking(!was);
    CHECK_EQ(s.is_nonblocking(), !was);
    CHECK(s.try_set_nonblocking(was).has_value());
    CHECK_EQ(*s.try_is_nonblocking(), was);

    // The kernel keeps timeouts in jiffies (HZ 100..1000), so whole seconds
    // read back exactly; sub-millisecond parts are rounded up here first.
    s.set_read_timeout(std::chrono::seconds(3));
    CHECK(s.read_timeout() == std::optional<std::chrono::milliseconds>(3000));
    s.set_read_timeout(std::chrono::microseconds(1999001));
    CHECK(s.read_timeout() == std::optional<std::chrono::milliseconds>(2000));
    CHECK(s.try_set_read_timeout(std::chrono::seconds(1)).has_value());
    CHECK(*s.try_read_timeout() == std::optional<std::chrono::milliseconds>(1000));
    s.set_read_timeout(std::nullopt);
    CHECK(!s.read_timeout());
    CHECK(s.try_set_read_timeout(std::nullopt).has_value());

    s.set_write_timeout(std::chrono::seconds(2));
    CHECK(s.write_timeout() == std::optional<std::chrono::milliseconds>(2000));
    CHECK(s.try_set_write_timeout(std::chrono::milliseconds(5000)).has_value());
    CHECK(*s.try_write_timeout() == std::optional<std::chrono::milliseconds>(5000));
    s.set_write_timeout(std::nullopt);
    CHECK(!*s.try_write_timeout());
    CHECK(s.try_set_write_timeout(std::nullopt).has_value());
    CHECK_THROWS_ERRC(s.set_write_timeout(std::chrono::milliseconds(0)), std::errc::invalid_argument);

    CHECK(!s.take_error());
    CHECK(!*s.try_take_error());
    CHECK(s.c_handle() != nullptr);
}

}  // namespace

WLT_TEST(common_calls_on_every_class) {
    Local<wl::Ipv4> here;
    auto raw = wl::tcp4();
    common_calls(raw);
    auto bound = wl::tcp4().bind(here.addr);
    common_calls(bound);
    auto listener = wl::tcp4().bind(here.addr).listen(4);
    common_calls(listener);
    auto pending = wl::tcp4().connect_nonblocking(listener.local_addr());
    common_calls(pending);
    auto conn = wl::tcp4().connect(listener.local_addr());
    common_calls(conn);
    auto udp_raw = wl::udp4();
    common_calls(udp_raw);
    auto dgram = wl::udp4().bind(here.addr);
    common_calls(dgram);
    auto dconn = wl::udp4().connect(dgram.local_addr());
    common_calls(dconn);
    auto v6 = wl::udp6().bind(wl::SocketAddrV6::localhost(0));
    common_calls(v6);
    auto u = wl::unix_stream();
    common_calls(u);
}

WLT_TEST(common_take_error_reports_a_pending_error) {
    // A refused UDP datagram leaves ECONNREFUSED in SO_ERROR.
    std::uint16_t port = 0;
    {
        auto tmp = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
        port = tmp.local_addr().port();
    }
    auto conn = wl::udp4().connect(wl::SocketAddrV4::localhost(port));
    CHECK_EQ(conn.send("x"), 1u);
    // The ICMP error arrives asynchronously; poll SO_ERROR a bounded number of times.
    std::error_code ec;
    for (int i = 0; i < 100 && !ec; ++i) {
        ec = conn.take_error();
        if (!ec) ::usleep(10000);
    }
    CHECK(ec == std::errc::connection_refused);
    CHECK(!conn.take_error());  // reading clears it
}
