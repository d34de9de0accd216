// wl::asio::raw_socket::async_connect: the one async transition. It
// consumes the raw socket and, on failure, hands it back reusable.
#include "asio_support.hpp"

namespace {

using namespace wlt::aio;
using namespace ::asio::experimental::awaitable_operators;

// Refused, handed back (same descriptor, reset), then connected to a live
// listener, and the connection carries data both ways.
template <class D>
void refused_then_connects() {
    const auto dead = dead_address<D>();
    Local<D> here;
    auto live = listen_local(here);
    run("connect", std::chrono::seconds(10), [&](auto ex) -> ::asio::awaitable<void> {
        wa::raw_socket<D> raw(ex, wl::RawSocket<D, wl::Stream>::create());
        const int fd = raw.native_handle();
        auto refused = co_await std::move(raw).async_connect(dead);
        CHECK(!refused);
        CHECK(refused.error().code() == std::errc::connection_refused);
        CHECK(refused.error().message().find("Connection refused") != std::string::npos);
        raw = std::move(refused).error().into_socket();
        CHECK(raw.is_open());
        CHECK_EQ(raw.native_handle(), fd);
        CHECK(raw.inner().is_nonblocking());
        // Reset: connect(AF_UNSPEC) dropped the failed attempt.
        CHECK(!raw.inner().take_error());

        auto connected = co_await std::move(raw).async_connect(live.local_addr());
        CHECK(connected);
        wa::stream<D> conn = *std::move(connected);
        CHECK_EQ(conn.native_handle(), fd);  // same descriptor, a new state
        CHECK(conn.peer_addr() == live.local_addr());
        auto server = live.accept();
        server.set_read_timeout(wlt::kTimeout);
        CHECK_EQ(co_await ::asio::async_write(conn, ::asio::buffer(std::string_view("ping")), ::asio::use_awaitable),
                 4u);
        char buf[8] = {};
        CHECK_EQ(server.recv(buf, sizeof buf), 4u);
        CHECK_EQ(std::string(buf, 4), "ping");
        CHECK_EQ(server.send("pong"), 4u);
        CHECK_EQ(co_await ::asio::async_read(conn, ::asio::buffer(buf, 4), ::asio::use_awaitable), 4u);
        CHECK_EQ(std::string(buf, 4), "pong");
    });
}

}  // namespace

WLT_TEST(asio_connect_refused_gives_socket_back_tcp4) { refused_then_connects<wl::Ipv4>(); }
WLT_TEST(asio_connect_refused_gives_socket_back_tcp6) { refused_then_connects<wl::Ipv6>(); }

WLT_TEST(asio_connect_unix_missing_path_then_live) {
    Local<wl::Unix> here;
    auto live = listen_local(here);
    const auto missing = wl::UnixAddr::from_path(wlt::unix_path("missing"));
    run("unix connect", std::chrono::seconds(10), [&](auto ex) -> ::asio::awaitable<void> {
        wa::raw_socket<wl::Unix> raw(ex, wl::unix_stream());
        // A Unix connect fails or succeeds at once: the completion is
        // still posted, never run inside async_connect.
        auto r = co_await std::move(raw).async_connect(missing);
        CHECK(!r);
        CHECK(r.error().code() == std::errc::no_such_file_or_directory);
        auto ok = co_await std::move(r).error().into_socket().async_connect(live.local_addr());
        CHECK(ok);
        auto server = live.accept();
        CHECK(ok->peer_addr() == live.local_addr());
        CHECK_EQ(server.send("u"), 1u);
        char c = 0;
        CHECK_EQ(co_await ok->async_read_some(::asio::buffer(&c, 1), ::asio::use_awaitable), 1u);
        CHECK_EQ(c, 'u');
    });
}

WLT_TEST(asio_connect_with_a_callback_never_runs_inline) {
    Local<wl::Unix> here;
    auto live = listen_local(here);
    ::asio::io_context io;
    bool called = false;
    std::optional<wa::stream<wl::Unix>> got;
    wa::raw_socket<wl::Unix>(io, wl::unix_stream())
        .async_connect(live.local_addr(), [&](wa::raw_socket<wl::Unix>::connect_result r) {
            called = true;
            CHECK(r);
            got.emplace(*std::move(r));
        });
    CHECK(!called);  // a Unix connect is immediate, the handler still waits for run()
    io.run_for(std::chrono::seconds(5));
    CHECK(called);
    CHECK(got && got->is_open());
}

WLT_TEST(asio_connect_cancelled_gives_socket_back) {
    // A listener whose accept queue is full drops SYNs: a connect to it
    // hangs until cancelled.
    auto full = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(0);
    auto queued = wl::tcp4().connect(full.local_addr());
    Local<wl::Ipv4> here;
    auto live = listen_local(here);
    run("connect cancel", std::chrono::seconds(10), [&](auto ex) -> ::asio::awaitable<void> {
        wa::raw_socket<wl::Ipv4> raw(ex, wl::tcp4());
        const int fd = raw.native_handle();
        ::asio::steady_timer timer(ex, std::chrono::milliseconds(100));
        // The timer wins; the connect gets terminal cancellation.
        std::optional<wa::raw_socket<wl::Ipv4>::connect_result> r;
        auto attempt = [&]() -> ::asio::awaitable<void> {
            r.emplace(co_await std::move(raw).async_connect(full.local_addr()));
        };
        auto which = co_await (attempt() || timer.async_wait(::asio::use_awaitable));
        CHECK_EQ(which.index(), 1u);
        CHECK(r.has_value());
        CHECK(!*r);
        CHECK(r->error().code() == ::asio::error::operation_aborted);
        raw = std::move(*r).error().into_socket();
        CHECK_EQ(raw.native_handle(), fd);
        auto ok = co_await std::move(raw).async_connect(live.local_addr());
        CHECK(ok);
        CHECK(ok->peer_addr() == live.local_addr());
    });
}

WLT_TEST(asio_connect_on_an_empty_socket_is_bad_descriptor) {
    run("empty connect", std::chrono::seconds(5), [](auto ex) -> ::asio::awaitable<void> {
        wa::raw_socket<wl::Ipv4> empty(ex);
        CHECK(!empty.is_open());
        auto r = co_await std::move(empty).async_connect(wl::SocketAddrV4::localhost(9));
        CHECK(!r);
        CHECK(r.error().code() == ::asio::error::bad_descriptor);
        CHECK(!r.error().socket().is_open());
    });
}
