// Cancelling wl::asio operations (cancellation slots, cancel(), losing a
// race in awaitable operators) loses nothing: the connection stays queued,
// the bytes stay readable. Plus release(), into_inner() and empty twins.
#include "asio_support.hpp"

namespace {

using namespace wlt::aio;
using namespace ::asio::experimental::awaitable_operators;

// Polls `io` until `done` or about two seconds have passed.
template <class Pred>
void poll_until(::asio::io_context& io, Pred done) {
    for (int i = 0; i < 2000 && !done(); ++i) {
        io.restart();  // a context that ran out of work stays stopped until restarted
        io.poll();
        if (!done()) io.run_for(std::chrono::milliseconds(1));
    }
}

}  // namespace

WLT_TEST(asio_accept_cancel_by_slot_loses_nothing) {
    for (auto type : {::asio::cancellation_type::terminal, ::asio::cancellation_type::partial,
                      ::asio::cancellation_type::total}) {
        ::asio::io_context io;
        wa::listener<wl::Ipv4> l(io, wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(4));
        ::asio::cancellation_signal signal;
        std::optional<std::error_code> got;
        bool opened = true;
        l.async_accept(::asio::bind_cancellation_slot(signal.slot(), [&](std::error_code ec, wa::stream<wl::Ipv4> s) {
            got = ec;
            opened = s.is_open();
        }));
        io.poll();
        CHECK(!got);  // waiting: nobody connected
        signal.emit(type);
        poll_until(io, [&] { return got.has_value(); });
        CHECK(got.has_value());
        CHECK(*got == ::asio::error::operation_aborted);
        CHECK(!opened);
        // The listener still works, and a client that connects now is the
        // next accept's.
        auto client = wl::tcp4().connect(l.local_addr());
        std::optional<std::pair<wa::stream<wl::Ipv4>, wl::SocketAddrV4>> accepted;
        l.async_accept_with_addr([&](std::error_code ec, std::pair<wa::stream<wl::Ipv4>, wl::SocketAddrV4> p) {
            CHECK(!ec);
            accepted.emplace(std::move(p));
        });
        poll_until(io, [&] { return accepted.has_value(); });
        CHECK(accepted.has_value());
        CHECK(accepted->second == client.local_addr());
        CHECK(accepted->first.peer_addr() == client.local_addr());
    }
}

WLT_TEST(asio_accept_cancel_by_cancel_then_queued_connection_kept) {
    ::asio::io_context io;
    wa::listener<wl::Ipv6> l(io, wl::tcp6().bind(wl::SocketAddrV6::localhost(0)).listen(4));
    std::optional<std::error_code> got;
    l.async_accept([&](std::error_code ec, wa::stream<wl::Ipv6>) { got = ec; });
    io.poll();
    l.cancel();
    poll_until(io, [&] { return got.has_value(); });
    CHECK(got && *got == ::asio::error::operation_aborted);
    // Connect first, then accept: the queued connection was not taken.
    auto client = wl::tcp6().connect(l.local_addr());
    std::optional<wa::stream<wl::Ipv6>> conn;
    l.async_accept([&](std::error_code ec, wa::stream<wl::Ipv6> s) {
        CHECK(!ec);
        conn.emplace(std::move(s));
    });
    poll_until(io, [&] { return conn.has_value(); });
    CHECK(conn && conn->peer_addr() == client.local_addr());
}

WLT_TEST(asio_read_cancel_loses_no_bytes) {
    run("read cancel", std::chrono::seconds(10), [](auto ex) -> ::asio::awaitable<void> {
        auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
        wa::stream<wl::Unix> reader(ex, std::move(b));
        char buf[64] = {};
        // The timer wins the race; the read is cancelled (terminal).
        ::asio::steady_timer timer(ex, std::chrono::milliseconds(20));
        auto race = co_await (reader.async_read_some(::asio::buffer(buf), ::asio::use_awaitable) ||
                              timer.async_wait(::asio::use_awaitable));
        CHECK_EQ(race.index(), 1u);
        // A cancellation slot: total cancellation is supported too.
        ::asio::cancellation_signal signal;
        auto pending = reader.async_read_some(::asio::buffer(buf),
                                              ::asio::bind_cancellation_slot(signal.slot(), tuple));
        ::asio::steady_timer soon(ex, std::chrono::milliseconds(5));
        soon.async_wait([&](std::error_code) { signal.emit(::asio::cancellation_type::total); });
        auto [ec, n] = co_await std::move(pending);
        CHECK(ec == ::asio::error::operation_aborted);
        CHECK_EQ(n, 0u);
        // Nothing was consumed: what the peer sends now is all there.
        CHECK_EQ(a.send("all of it"), 9u);
        const std::size_t got = co_await ::asio::async_read(reader, ::asio::buffer(buf, 9), ::asio::use_awaitable);
        CHECK_EQ(std::string(buf, got), "all of it");
    });
}

WLT_TEST(asio_receive_cancel_keeps_the_datagram) {
    run("receive cancel", std::chrono::seconds(10), [](auto ex) -> ::asio::awaitable<void> {
        wa::datagram<wl::Ipv4> d(ex, wl::udp4().bind(wl::SocketAddrV4::localhost(0)));
        auto sender = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
        char buf[64];
        auto from = wl::SocketAddrV4::unspecified();
        ::asio::steady_timer timer(ex, std::chrono::milliseconds(20));
        auto race = co_await (d.async_receive_from(::asio::buffer(buf), from, ::asio::use_awaitable) ||
                              timer.async_wait(::asio::use_awaitable));
        CHECK_EQ(race.index(), 1u);
        CHECK_EQ(sender.send_to("kept", d.local_addr()), 4u);
        const std::size_t n = co_await d.async_receive_from(::asio::buffer(buf), from, ::asio::use_awaitable);
        CHECK_EQ(std::string(buf, n), "kept");
        CHECK(from == sender.local_addr());
    });
}

WLT_TEST(asio_destroying_a_twin_aborts_its_operations) {
    ::asio::io_context io;
    std::optional<std::error_code> got;
    auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
    {
        wa::stream<wl::Unix> reader(io, std::move(b));
        static char buf[8];
        reader.async_read_some(::asio::buffer(buf), [&](std::error_code ec, std::size_t) { got = ec; });
        io.poll();
        CHECK(!got);
    }  // closes the descriptor; the handler must not touch the twin
    poll_until(io, [&] { return got.has_value(); });
    CHECK(got && *got == ::asio::error::operation_aborted);
}

WLT_TEST(asio_release_gives_the_blocking_object_back) {
    ::asio::io_context io;
    auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
    const int fd = b.fd();
    wa::stream<wl::Unix> s(io, std::move(b));
    CHECK(s.inner().is_nonblocking());
    CHECK_EQ(s.native_handle(), fd);
    wl::ConnectedStream<wl::Unix> back = s.release();
    CHECK(!s.is_open());
    CHECK_EQ(back.fd(), fd);
    CHECK(!back.is_nonblocking());
    back.set_read_timeout(wlt::kTimeout);
    CHECK_EQ(a.send("b"), 1u);
    char c = 0;
    CHECK_EQ(back.recv(&c, 1), 1u);  // blocking again: waits, no EAGAIN
    CHECK_EQ(c, 'b');
    // into_inner(): the same, as a transition; registration again works.
    wa::stream<wl::Unix> again(io, std::move(back));
    auto inner = std::move(again).into_inner();
    CHECK_EQ(inner.fd(), fd);
    CHECK_THROWS_ERRC(s.release(), std::errc::bad_file_descriptor);
    CHECK_THROWS_ERRC(s.inner(), std::errc::bad_file_descriptor);
}

WLT_TEST(asio_operations_on_an_empty_twin_fail_cleanly) {
    run("empty", std::chrono::seconds(5), [](auto ex) -> ::asio::awaitable<void> {
        wa::stream<wl::Ipv4> s(ex);
        char c = 0;
        auto [ec, n] = co_await s.async_read_some(::asio::buffer(&c, 1), tuple);
        CHECK(ec == ::asio::error::bad_descriptor);
        CHECK_EQ(n, 0u);
        wa::listener<wl::Ipv4> l(ex);
        auto [aec, conn] = co_await l.async_accept(tuple);
        CHECK(aec == ::asio::error::bad_descriptor);
        CHECK(!conn.is_open());
        wa::connected_datagram<wl::Ipv4> d(ex);
        auto [dec, m] = co_await d.async_send(::asio::buffer(&c, 1), tuple);
        CHECK(dec == ::asio::error::bad_descriptor);
        (void)m;
    });
}

WLT_TEST(asio_registering_a_moved_from_object_throws_and_keeps_nothing) {
    ::asio::io_context io;
    auto l = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(1);
    auto taken = std::move(l);
    // NOLINTNEXTLINE(bugprone-use-after-move): the point of the test
    CHECK_THROWS_ERRC(wa::listener<wl::Ipv4>(io, std::move(l)), std::errc::invalid_argument);
    wa::listener<wl::Ipv4> ok(io, std::move(taken));
    CHECK(ok.is_open());
}
