// expect: this address is of another family
// An IPv4 socket takes SocketAddrV4 only: an IPv6 address does not compile.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto bound = wl::RawSocket<wl::Ipv4, wl::Stream>::create().bind(wl::SocketAddrV6::localhost(0));
#else
    auto bound = wl::RawSocket<wl::Ipv4, wl::Stream>::create().bind(wl::SocketAddrV4::localhost(0));
#endif
    return bound.fd() >= 0 ? 0 : 1;
}
