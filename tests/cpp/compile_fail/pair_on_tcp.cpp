// expect: no matching function for call to .*pair
// socketpair(2) exists for Unix sockets only.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto p = wl::ConnectedStream<wl::Ipv4>::pair();
#else
    auto p = wl::ConnectedStream<wl::Unix>::pair();
#endif
    return p.first.fd() >= 0 ? 0 : 1;
}
