// expect: has no member named .connect_nonblocking.
// connect_nonblocking (PendingConnect) is a stream-only transition.
#include <wirelane.hpp>

int main() {
    const auto addr = wl::SocketAddrV4::localhost(9);
#ifdef WL_COMPILE_FAIL
    auto p = wl::udp4().connect_nonblocking(addr);
#else
    auto p = wl::udp4().connect(addr);
#endif
    return p.fd() >= 0 ? 0 : 1;
}
