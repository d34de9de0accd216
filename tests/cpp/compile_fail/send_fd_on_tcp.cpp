// expect: no matching function for call to .*send_fd
// Descriptors travel over Unix sockets only.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto conn = wl::tcp4().connect(wl::SocketAddrV4::localhost(9));
#else
    auto conn = wl::ConnectedStream<wl::Unix>::pair().first;
#endif
    wl::fdpass::send_fd(conn, 0);
    return 0;
}
