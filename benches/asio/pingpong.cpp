// wl::asio::stream against asio's own asio::ip::tcp::socket: TCP ping-pong
// over loopback (64-byte messages, one connection), both clients on one
// io_context and one thread, against the same asio echo server. Rounds
// alternate between the two; the median of each is printed with the ratio.
//
//   make -C benches/asio run        (builds with -O2 against target/release)
#include <wirelane_asio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace wa = wl::asio;
using tcp = asio::ip::tcp;

constexpr int kTrips = 20000;
constexpr int kRounds = 7;
constexpr std::size_t kSize = 64;

asio::awaitable<void> echo(tcp::socket s) {
    char buf[kSize];
    for (;;) {
        std::error_code ec;
        co_await asio::async_read(s, asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        co_await asio::async_write(s, asio::buffer(buf), asio::use_awaitable);
    }
}

asio::awaitable<void> serve(tcp::acceptor& a) {
    for (;;) asio::co_spawn(a.get_executor(), echo(co_await a.async_accept(asio::use_awaitable)), asio::detached);
}

template <class Stream>
asio::awaitable<double> trips(Stream& s) {
    char out[kSize] = {1};
    char in[kSize];
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kTrips; ++i) {
        co_await asio::async_write(s, asio::buffer(out), asio::use_awaitable);
        co_await asio::async_read(s, asio::buffer(in), asio::use_awaitable);
    }
    co_return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / kTrips;
}

asio::awaitable<void> bench(tcp::acceptor& a) {
    auto ex = co_await asio::this_coro::executor;
    const auto port = a.local_endpoint().port();
    tcp::socket plain(ex);
    co_await plain.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), asio::use_awaitable);
    plain.set_option(tcp::no_delay(true));
    auto r = co_await wa::raw_socket<wl::Ipv4>(ex, wl::tcp4()).async_connect(wl::SocketAddrV4::localhost(port));
    wa::stream<wl::Ipv4> wlane = *std::move(r);
    wl::set_tcp_nodelay(wlane.inner(), true);
    std::vector<double> ns_asio, ns_wl;
    for (int round = 0; round < kRounds; ++round) {
        ns_asio.push_back(co_await trips(plain));
        ns_wl.push_back(co_await trips(wlane));
    }
    std::sort(ns_asio.begin(), ns_asio.end());
    std::sort(ns_wl.begin(), ns_wl.end());
    const double a_med = ns_asio[kRounds / 2];
    const double w_med = ns_wl[kRounds / 2];
    std::printf("tcp ping-pong, %zu B, %d round trips x %d rounds (median ns per round trip)\n", kSize, kTrips, kRounds);
    std::printf("  asio::ip::tcp::socket   %8.0f ns\n", a_med);
    std::printf("  wl::asio::stream        %8.0f ns\n", w_med);
    std::printf("  ratio wl/asio           %8.3f\n", w_med / a_med);
}

int main() {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    asio::co_spawn(io, serve(a), asio::detached);
    asio::co_spawn(io, bench(a), [&](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
        io.stop();
    });
    io.run();
}
