// expect: async_connect\(\) consumes the socket \(a typestate transition\)
// std: c++20
// wl::asio: async_connect consumes the raw socket; on an lvalue it does
// not compile, and the message says to std::move it.
#include <wirelane_asio.hpp>

asio::awaitable<void> connect(wl::asio::raw_socket<wl::Ipv4> raw, wl::SocketAddrV4 peer) {
#ifdef WL_COMPILE_FAIL
    auto r = co_await raw.async_connect(peer);
#else
    auto r = co_await std::move(raw).async_connect(peer);
#endif
    (void)r;
}

int main() { return 0; }
