// expect: no matching function for call to .*send_to
// send_to on an IPv4 datagram socket takes a SocketAddrV4.
#include <wirelane.hpp>

int main() {
    auto sock = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
#ifdef WL_COMPILE_FAIL
    return static_cast<int>(sock.send_to("x", wl::SocketAddrV6::localhost(9)));
#else
    return static_cast<int>(sock.send_to("x", wl::SocketAddrV4::localhost(9)));
#endif
}
