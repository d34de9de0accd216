// expect: has no member named .async_write_some.
// std: c++20
// wl::asio: a raw socket is not connected yet: it cannot write, only
// async_connect (which turns it into a stream that can).
#include <wirelane_asio.hpp>

asio::awaitable<void> write(wl::asio::raw_socket<wl::Ipv4> raw, wl::SocketAddrV4 peer) {
#ifdef WL_COMPILE_FAIL
    auto n = co_await raw.async_write_some(asio::buffer("x", 1));
#else
    auto s = *(co_await std::move(raw).async_connect(peer));
    auto n = co_await s.async_write_some(asio::buffer("x", 1));
#endif
    (void)n;
    (void)peer;
}

int main() { return 0; }
