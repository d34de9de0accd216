// expect: has no member named .async_receive.
// std: c++20
// wl::asio: a bound datagram socket learns each sender: async_receive_from.
#include <wirelane_asio.hpp>

asio::awaitable<void> receive(wl::asio::datagram<wl::Ipv4>& d) {
    char buf[16];
    auto from = wl::SocketAddrV4::unspecified();
#ifdef WL_COMPILE_FAIL
    auto n = co_await d.async_receive(asio::buffer(buf));
#else
    auto n = co_await d.async_receive_from(asio::buffer(buf), from);
#endif
    (void)n;
}

int main() { return 0; }
