// expect: has no member named .async_read_some.
// std: c++20
// wl::asio: a listener carries no bytes.
#include <wirelane_asio.hpp>

asio::awaitable<void> read(wl::asio::listener<wl::Ipv4>& l, wl::asio::stream<wl::Ipv4>& s) {
    char buf[16];
#ifdef WL_COMPILE_FAIL
    auto n = co_await l.async_read_some(asio::buffer(buf));
#else
    auto n = co_await s.async_read_some(asio::buffer(buf));
    (void)l;
#endif
    (void)n;
}

int main() { return 0; }
