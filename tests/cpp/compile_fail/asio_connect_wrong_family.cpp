// expect: async_connect\(\) takes the socket domain's address type D::Addr
// std: c++20
// wl::asio: an IPv4 raw socket connects to an IPv4 address only.
#include <wirelane_asio.hpp>

asio::awaitable<void> connect(wl::asio::raw_socket<wl::Ipv4> raw) {
#ifdef WL_COMPILE_FAIL
    co_await std::move(raw).async_connect(wl::SocketAddrV6::localhost(80));
#else
    auto r = co_await std::move(raw).async_connect(wl::SocketAddrV4::localhost(80));
    (void)r;
#endif
}

int main() { return 0; }
