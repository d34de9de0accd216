// expect: has no member named .send.
// A listener accepts; it does not send.
#include <wirelane.hpp>

int main() {
    auto listener = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(1);
#ifdef WL_COMPILE_FAIL
    return static_cast<int>(listener.send("x"));
#else
    return static_cast<int>(listener.accept().send("x"));
#endif
}
