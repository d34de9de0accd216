// expect: ICMP echo sockets exist for wl::Ipv4 and wl::Ipv6 only
// ICMP echo sockets have no Unix domain (Rust: RawSocket::<Unix, Icmp>::new() does not compile).
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto s = wl::RawSocket<wl::Unix, wl::Icmp>::create();
#else
    auto s = wl::RawSocket<wl::Ipv4, wl::Icmp>::create();
#endif
    return s.fd() < 0;
}
