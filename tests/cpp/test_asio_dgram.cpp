// wl::asio::datagram and wl::asio::connected_datagram: round trips over
// UDP (IPv4, IPv6) and Unix datagram sockets.
#include "asio_support.hpp"

#include <array>

namespace {

using namespace wlt::aio;

template <class D>
void round_trip() {
    Local<D> here_a;
    Local<D> here_b;
    Local<D> here_c;
    run("datagram", std::chrono::seconds(10), [&](auto ex) -> ::asio::awaitable<void> {
        wa::datagram<D> a(ex, wl::RawSocket<D, wl::Datagram>::create().bind(here_a.addr));
        wa::datagram<D> b(ex, wl::RawSocket<D, wl::Datagram>::create().bind(here_b.addr));
        char buf[64];
        auto from = a.local_addr();  // overwritten by each receive

        // a -> b, b answers to whoever sent it.
        CHECK_EQ(co_await a.async_send_to(::asio::buffer(std::string_view("ping")), b.local_addr(),
                                          ::asio::use_awaitable),
                 4u);
        std::size_t n = co_await b.async_receive_from(::asio::buffer(buf), from, ::asio::use_awaitable);
        CHECK_EQ(std::string(buf, n), "ping");
        CHECK(from == a.local_addr());
        CHECK_EQ(co_await b.async_send_to(::asio::buffer(std::string_view("pong")), from, ::asio::use_awaitable), 4u);
        n = co_await a.async_receive_from(::asio::buffer(buf), from, ::asio::use_awaitable);
        CHECK_EQ(std::string(buf, n), "pong");
        CHECK(from == b.local_addr());

        // An empty datagram is a datagram: 0 bytes, no error.
        CHECK_EQ(co_await a.async_send_to(::asio::const_buffer(), b.local_addr(), ::asio::use_awaitable), 0u);
        auto [ec, z] = co_await b.async_receive_from(::asio::buffer(buf), from, tuple);
        CHECK(!ec);
        CHECK_EQ(z, 0u);

        // A connected datagram socket: gathered send, scattered receive.
        auto raw = wl::RawSocket<D, wl::Datagram>::create();
        wa::connected_datagram<D> c(ex, [&] {
            if constexpr (std::is_same_v<D, wl::Unix>) {
                return std::move(raw).bind(here_c.addr).connect(b.local_addr());
            } else {
                (void)here_c;
                return std::move(raw).connect(b.local_addr());
            }
        }());
        CHECK(c.peer_addr() == b.local_addr());
        const std::array<::asio::const_buffer, 2> parts{::asio::buffer(std::string_view("con")),
                                                        ::asio::buffer(std::string_view("nected"))};
        CHECK_EQ(co_await c.async_send(parts, ::asio::use_awaitable), 9u);
        n = co_await b.async_receive_from(::asio::buffer(buf), from, ::asio::use_awaitable);
        CHECK_EQ(std::string(buf, n), "connected");
        CHECK(from == c.local_addr());
        CHECK_EQ(co_await b.async_send_to(::asio::buffer(std::string_view("scattered")), from, ::asio::use_awaitable),
                 9u);
        char x[3];
        char y[16];
        const std::array<::asio::mutable_buffer, 2> into{::asio::buffer(x), ::asio::buffer(y)};
        n = co_await c.async_receive(into, ::asio::use_awaitable);
        CHECK_EQ(n, 9u);
        CHECK_EQ(std::string(x, 3) + std::string(y, 6), "scattered");
    });
}

}  // namespace

WLT_TEST(asio_datagram_round_trip_udp4) { round_trip<wl::Ipv4>(); }
WLT_TEST(asio_datagram_round_trip_udp6) { round_trip<wl::Ipv6>(); }
WLT_TEST(asio_datagram_round_trip_unix) { round_trip<wl::Unix>(); }

WLT_TEST(asio_connected_datagram_refused_is_an_error) {
    const auto dead = dead_address<wl::Ipv4>();
    run("refused", std::chrono::seconds(10), [&](auto ex) -> ::asio::awaitable<void> {
        wa::connected_datagram<wl::Ipv4> c(ex, wl::udp4().connect(dead));
        CHECK_EQ(co_await c.async_send(::asio::buffer(std::string_view("x")), ::asio::use_awaitable), 1u);
        // The ICMP port unreachable comes back as ECONNREFUSED on the next call.
        char buf[4];
        auto [ec, n] = co_await c.async_receive(::asio::buffer(buf), tuple);
        CHECK(ec == std::errc::connection_refused);
        (void)n;
    });
}

WLT_TEST(asio_datagram_in_too_many_buffers_is_einval) {
    Local<wl::Unix> here_a;
    Local<wl::Unix> here_b;
    run("buffers", std::chrono::seconds(10), [&](auto ex) -> ::asio::awaitable<void> {
        auto b = wl::RawSocket<wl::Unix, wl::Datagram>::create().bind(here_b.addr);
        wa::connected_datagram<wl::Unix> c(
            ex, wl::RawSocket<wl::Unix, wl::Datagram>::create().bind(here_a.addr).connect(b.local_addr()));
        // 65 one-byte buffers: one datagram cannot be sent in two calls.
        const std::string bytes(65, 'x');
        std::vector<::asio::const_buffer> parts;
        for (std::size_t i = 0; i < bytes.size(); ++i) parts.push_back(::asio::buffer(bytes.data() + i, 1));
        auto [ec, n] = co_await c.async_send(parts, tuple);
        CHECK(ec == std::errc::invalid_argument);
        CHECK_EQ(n, 0u);
        parts.pop_back();  // 64 is fine
        CHECK_EQ(co_await c.async_send(parts, ::asio::use_awaitable), 64u);
    });
}
