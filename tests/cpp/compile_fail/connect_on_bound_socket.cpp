// expect: has no member named .connect.
// The README's second promise: a bound stream socket cannot connect
// (its one transition is listen).
#include <wirelane.hpp>

int main() {
    const auto addr = wl::SocketAddrV4::localhost(0);
    auto bound = wl::tcp4().bind(addr);
#ifdef WL_COMPILE_FAIL
    auto conn = std::move(bound).connect(addr);
#else
    auto conn = std::move(bound).listen(1);
#endif
    return conn.fd() >= 0 ? 0 : 1;
}
