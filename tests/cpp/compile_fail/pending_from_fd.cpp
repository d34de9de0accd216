// expect: no matching function for call to .*from_fd
// A PendingConnect cannot be adopted from a descriptor (the C ABI has no
// wl_pending_from_fd); the other states can.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto p = wl::PendingConnect<wl::Ipv4>::from_fd(3);
#else
    auto p = wl::ConnectedStream<wl::Ipv4>::from_fd(3);
#endif
    return p.fd();
}
