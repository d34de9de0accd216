// expect: has no member named .async_accept.
// std: c++20
// wl::asio: only a listener accepts; a connected stream has no async_accept.
#include <wirelane_asio.hpp>

asio::awaitable<void> accept(wl::asio::stream<wl::Ipv4>& s, wl::asio::listener<wl::Ipv4>& l) {
#ifdef WL_COMPILE_FAIL
    auto c = co_await s.async_accept();
#else
    auto c = co_await l.async_accept();
    (void)s;
#endif
    (void)c;
}

int main() { return 0; }
