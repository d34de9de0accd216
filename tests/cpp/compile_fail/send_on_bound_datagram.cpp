// expect: has no member named .send.
// A bound (unconnected) datagram socket must name the peer: send_to, not send.
#include <wirelane.hpp>

int main() {
    auto sock = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
#ifdef WL_COMPILE_FAIL
    return static_cast<int>(sock.send("x"));
#else
    return static_cast<int>(sock.send_to("x", wl::SocketAddrV4::localhost(9)));
#endif
}
