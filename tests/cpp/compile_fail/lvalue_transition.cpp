// expect: bind\(\) consumes the socket \(a typestate transition\)
// A transition called on an lvalue does not compile: it consumes the
// socket, so the caller must give it up with std::move.
#include <wirelane.hpp>

int main() {
    auto raw = wl::tcp4();
#ifdef WL_COMPILE_FAIL
    auto bound = raw.bind(wl::SocketAddrV4::localhost(0));
#else
    auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
#endif
    return bound.fd() >= 0 ? 0 : 1;
}
