// expect: no matching function for call to .*broadcast
// SO_BROADCAST is IPv4 only: the IPv6 datagram builder lacks it.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto b = wl::DatagramBuilder<wl::Ipv6>().broadcast(true);
#else
    auto b = wl::DatagramBuilder<wl::Ipv4>().broadcast(true);
#endif
    (void)b;
    return 0;
}
