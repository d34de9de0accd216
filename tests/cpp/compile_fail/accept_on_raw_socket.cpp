// expect: has no member named .accept.
// The README's first promise: accept() does not exist on a RawSocket.
#include <wirelane.hpp>

int main() {
    auto socket = wl::RawSocket<wl::Ipv4, wl::Stream>::create();
#ifdef WL_COMPILE_FAIL
    auto conn = socket.accept();
#else
    auto conn = std::move(socket).bind(wl::SocketAddrV4::localhost(0)).listen(1).accept();
#endif
    return conn.fd() >= 0 ? 0 : 1;
}
