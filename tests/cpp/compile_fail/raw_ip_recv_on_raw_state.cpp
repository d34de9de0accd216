// expect: has no member named .recv_from.
// A fresh raw IP socket must be bound before it receives from anyone.
#include <wirelane.hpp>

int main() {
    auto raw = wl::RawSocket<wl::Ipv4, wl::RawIp>::create(253);
    char buf[16];
#ifdef WL_COMPILE_FAIL
    return static_cast<int>(raw.recv_from(buf, sizeof buf).first);
#else
    return static_cast<int>(std::move(raw).bind(wl::SocketAddrV4::localhost(0)).recv_from(buf, sizeof buf).first);
#endif
}
