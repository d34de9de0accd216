// wl::asio under load: one listener, 500 clients connected at the same
// time, each echoing its own checksummed payload, over TCP (IPv4, IPv6)
// and a Unix socket; plus asio's composed operations over wl::asio::stream.
#include "asio_support.hpp"

#include <cstdint>
#include <sstream>
#include <vector>

// A named namespace: GCC 12 warns (-Wsubobject-linkage) about coroutine
// frames of templates whose types have internal linkage.
namespace asio_echo {

using namespace wlt::aio;
using namespace ::asio::experimental::awaitable_operators;

// The payload of client `i`: 1..32 KiB of xorshift bytes seeded by `i`.
std::string payload_of(std::size_t i) {
    std::string p(1024 + (i * 7919) % (31 * 1024), '\0');
    std::uint64_t x = 0x9E3779B97F4A7C15ull ^ (i + 1);
    for (auto& c : p) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        c = static_cast<char>(x);
    }
    return p;
}

// FNV-1a, 64 bits: the checksum both ends compare.
std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

struct Tally {
    std::size_t clients = 0;
    std::size_t connected = 0;   // clients whose async_connect succeeded
    std::size_t accepted = 0;    // connections the server accepted
    std::size_t live = 0;        // server sessions open now
    std::size_t peak = 0;        // most server sessions open at once
    std::size_t echoed = 0;      // clients whose echo matched
    std::vector<std::string> errors;
    ::asio::steady_timer* gate = nullptr;  // opened once every connection is up at both ends
};

// Completes every wait on `gate`, now and later.
void open_gate(::asio::steady_timer& gate) { gate.expires_at(::asio::steady_timer::time_point{}); }

bool all_connected(const Tally& t) { return t.connected == t.clients && t.accepted == t.clients; }

template <class D>
::asio::awaitable<void> echo_session(wa::stream<D> conn, Tally& t) {
    ++t.live;
    t.peak = std::max(t.peak, t.live);  // sessions start before the gate opens: peak == clients
    char buf[4096];
    for (;;) {
        auto [ec, n] = co_await conn.async_read_some(::asio::buffer(buf), tuple);
        if (ec == ::asio::error::eof) break;
        if (ec) {
            t.errors.push_back("server read: " + ec.message());
            break;
        }
        auto [wec, w] = co_await ::asio::async_write(conn, ::asio::buffer(buf, n), tuple);
        if (wec) {
            t.errors.push_back("server write: " + wec.message());
            break;
        }
        (void)w;
    }
    --t.live;
}

template <class D>
::asio::awaitable<void> serve(wa::listener<D>& l, Tally& t) {
    const auto ex = co_await ::asio::this_coro::executor;
    for (std::size_t i = 0; i < t.clients; ++i) {
        auto conn = co_await l.async_accept();
        ++t.accepted;
        if (all_connected(t)) open_gate(*t.gate);
        ::asio::co_spawn(ex, echo_session<D>(std::move(conn), t), ::asio::detached);
    }
}

// Writes all of `sent`, then shuts the write side: the server sees end of stream.
template <class D>
::asio::awaitable<std::error_code> write_all(wa::stream<D>& conn, const std::string& sent) {
    auto [ec, n] = co_await ::asio::async_write(conn, ::asio::buffer(sent), tuple);
    (void)n;
    if (!ec) conn.shutdown(wl::Shutdown::Write);
    co_return ec;
}

// Reads until end of stream into `got`.
template <class D>
::asio::awaitable<std::error_code> read_all(wa::stream<D>& conn, std::string& got) {
    auto [ec, n] = co_await ::asio::async_read(conn, ::asio::dynamic_buffer(got), tuple);
    (void)n;
    co_return ec == ::asio::error::eof ? std::error_code() : ec;
}

// One client: connects, waits until all clients are connected and
// accepted (the gate: 500 connections open at once at both ends), then writes its payload while reading the echo back, and compares.
template <class D>
::asio::awaitable<void> client(std::size_t i, typename D::Addr server, Tally& t, ::asio::steady_timer& gate) {
    const auto ex = co_await ::asio::this_coro::executor;
    auto r = co_await wa::raw_socket<D>(ex, wl::RawSocket<D, wl::Stream>::create()).async_connect(server);
    if (!r) {
        t.errors.push_back("client " + std::to_string(i) + ": connect: " + r.error().message());
        open_gate(gate);  // the others need not wait for the deadline
        co_return;
    }
    wa::stream<D> conn = *std::move(r);
    ++t.connected;
    if (all_connected(t)) open_gate(gate);
    auto [ec] = co_await gate.async_wait(tuple);
    (void)ec;
    const std::string sent = payload_of(i);
    std::string got;
    auto [wec, rec] = co_await (write_all(conn, sent) && read_all(conn, got));
    std::ostringstream why;
    if (wec) why << " write: " << wec.message();
    if (rec) why << " read: " << rec.message();
    if (got.size() != sent.size()) why << " got " << got.size() << " bytes, sent " << sent.size();
    if (fnv1a(got) != fnv1a(sent)) why << " checksum " << std::hex << fnv1a(got) << " != " << fnv1a(sent);
    if (why.str().empty()) {
        ++t.echoed;
    } else {
        t.errors.push_back("client " + std::to_string(i) + ":" + why.str());
    }
}

template <class D>
void echo_many(std::size_t clients) {
    want_descriptors(4 * clients + 256);
    Local<D> here;
    Tally t;
    t.clients = clients;
    run("echo", std::chrono::seconds(60), [&](auto ex) -> ::asio::awaitable<void> {
        wa::listener<D> l(ex, wl::RawSocket<D, wl::Stream>::create().bind(here.addr).listen(static_cast<int>(clients)));
        ::asio::steady_timer gate(ex, ::asio::steady_timer::time_point::max());
        t.gate = &gate;
        const auto server = l.local_addr();
        ::asio::co_spawn(ex, serve<D>(l, t), ::asio::detached);
        ::asio::steady_timer deadline(ex, std::chrono::seconds(50));
        auto clients_done = [&]() -> ::asio::awaitable<void> {
            // All clients at once; each records its own outcome.
            std::size_t finished = 0;
            ::asio::steady_timer all(ex, ::asio::steady_timer::time_point::max());
            for (std::size_t i = 0; i < clients; ++i) {
                ::asio::co_spawn(ex, client<D>(i, server, t, gate), [&](std::exception_ptr e) {
                    if (e) t.errors.push_back("client threw");
                    if (++finished == clients) open_gate(all);
                });
            }
            auto [ec] = co_await all.async_wait(tuple);
            (void)ec;
            while (t.live > 0) {  // let the server sessions see end of stream
                ::asio::steady_timer tick(ex, std::chrono::milliseconds(1));
                co_await tick.async_wait(::asio::use_awaitable);
            }
        };
        auto outcome = co_await (clients_done() || deadline.async_wait(::asio::use_awaitable));
        std::ostringstream s;
        s << Local<D>::name << ": " << t.connected << "/" << clients << " connected, " << t.echoed << " echoed, peak "
          << t.peak << " server sessions, " << t.live << " still open";
        for (std::size_t i = 0; i < t.errors.size() && i < 5; ++i) s << "; " << t.errors[i];
        if (outcome.index() != 0) throw wlt::Failure("timed out after 50 s: " + s.str());
        if (t.echoed != clients || !t.errors.empty() || t.peak != clients) throw wlt::Failure(s.str());
    });
}

}  // namespace asio_echo

WLT_TEST(asio_echo_500_clients_tcp4) { asio_echo::echo_many<wl::Ipv4>(500); }
WLT_TEST(asio_echo_500_clients_tcp6) { asio_echo::echo_many<wl::Ipv6>(500); }
WLT_TEST(asio_echo_500_clients_unix) { asio_echo::echo_many<wl::Unix>(500); }

using namespace wlt::aio;

WLT_TEST(asio_composed_read_until_and_eof) {
    run("read_until", std::chrono::seconds(10), [](auto ex) -> ::asio::awaitable<void> {
        auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
        wa::stream<wl::Unix> client(ex, std::move(a));
        wa::stream<wl::Unix> server(ex, std::move(b));
        // Two buffers in one write: gathered into one sendmsg.
        const std::string head = "GET / HTTP/1.1\r\n";
        const std::string rest = "Host: x\r\n\r\nbody";
        const std::array<::asio::const_buffer, 2> parts{::asio::buffer(head), ::asio::buffer(rest)};
        const std::size_t w = co_await ::asio::async_write(client, parts, ::asio::use_awaitable);
        CHECK_EQ(w, head.size() + rest.size());
        client.shutdown(wl::Shutdown::Write);
        std::string in;
        const std::size_t n = co_await ::asio::async_read_until(server, ::asio::dynamic_buffer(in), "\r\n\r\n",
                                                                ::asio::use_awaitable);
        CHECK_EQ(n, head.size() + 11);
        // The rest, then end of stream as asio::error::eof with 0 bytes.
        auto [ec, m] = co_await ::asio::async_read(server, ::asio::dynamic_buffer(in), tuple);
        CHECK(ec == ::asio::error::eof);
        CHECK_EQ(in, head + rest);
        (void)m;
        char c = 0;
        auto [ec2, z] = co_await server.async_read_some(::asio::buffer(&c, 1), tuple);
        CHECK(ec2 == ::asio::error::eof);
        CHECK_EQ(z, 0u);
        // More buffers than one sendmsg takes (64): a stream does them in parts.
        const std::string many(100, 'm');
        std::vector<::asio::const_buffer> parts100;
        for (std::size_t i = 0; i < many.size(); ++i) parts100.push_back(::asio::buffer(many.data() + i, 1));
        auto [a2, b2] = wl::ConnectedStream<wl::Unix>::pair();
        wa::stream<wl::Unix> writer(ex, std::move(a2));
        CHECK_EQ(co_await writer.async_write_some(parts100, ::asio::use_awaitable), 64u);
        CHECK_EQ(co_await ::asio::async_write(writer, parts100, ::asio::use_awaitable), 100u);
        // Empty buffers complete at once with 0, as asio's sockets do.
        CHECK_EQ(co_await server.async_read_some(::asio::mutable_buffer(), ::asio::use_awaitable), 0u);
        CHECK_EQ(co_await client.async_write_some(::asio::const_buffer(), ::asio::use_awaitable), 0u);
    });
}

WLT_TEST(asio_write_to_closed_peer_is_epipe) {
    run("epipe", std::chrono::seconds(10), [](auto ex) -> ::asio::awaitable<void> {
        auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
        wa::stream<wl::Unix> client(ex, std::move(a));
        { auto gone = std::move(b); }
        // MSG_NOSIGNAL: an error, not SIGPIPE killing the test.
        auto [ec, n] = co_await client.async_write_some(::asio::buffer(std::string_view("x")), tuple);
        CHECK(ec == std::errc::broken_pipe);
        CHECK_EQ(n, 0u);
    });
}
