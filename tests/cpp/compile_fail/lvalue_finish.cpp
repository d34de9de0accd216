// expect: finish\(\) consumes the socket \(a typestate transition\)
// PendingConnect::finish on an lvalue does not compile either.
#include <wirelane.hpp>

int main() {
    auto pending = wl::tcp4().connect_nonblocking(wl::SocketAddrV4::localhost(9));
#ifdef WL_COMPILE_FAIL
    auto conn = pending.finish();
#else
    auto conn = std::move(pending).finish();
#endif
    return conn.fd() >= 0 ? 0 : 1;
}
