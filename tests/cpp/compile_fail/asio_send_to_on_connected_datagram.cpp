// expect: has no member named .async_send_to.
// std: c++20
// wl::asio: a connected datagram socket has one peer: async_send, not async_send_to.
#include <wirelane_asio.hpp>

asio::awaitable<void> send(wl::asio::connected_datagram<wl::Ipv4>& c, wl::SocketAddrV4 to) {
#ifdef WL_COMPILE_FAIL
    auto n = co_await c.async_send_to(asio::buffer("x", 1), to);
#else
    auto n = co_await c.async_send(asio::buffer("x", 1));
    (void)to;
#endif
    (void)n;
}

int main() { return 0; }
