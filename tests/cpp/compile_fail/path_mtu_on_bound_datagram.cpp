// expect: has no member named .path_mtu.
// The path MTU is known towards one peer: only a connected socket has it.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto sock = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
#else
    auto sock = wl::udp4().connect(wl::SocketAddrV4::localhost(9));
#endif
    return static_cast<int>(sock.path_mtu());
}
