// expect: has no member named .send_echo.
// A bound ICMP socket names the host on each send: send_echo_to, not send_echo.
#include <wirelane.hpp>

int main() {
    auto bound = wl::RawSocket<wl::Ipv4, wl::Icmp>::create().bind(wl::SocketAddrV4::unspecified(0));
#ifdef WL_COMPILE_FAIL
    bound.send_echo(1, "x");
#else
    bound.send_echo_to(wl::SocketAddrV4::localhost(0), 1, "x");
#endif
    return 0;
}
