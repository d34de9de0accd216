// expect: no matching function for call to .*send_zerocopy
// MSG_ZEROCOPY is a TCP path: a Unix stream has no send_zerocopy.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto conn = wl::ConnectedStream<wl::Unix>::pair().first;
#else
    auto conn = wl::tcp4().connect(wl::SocketAddrV4::localhost(9));
#endif
    return static_cast<int>(conn.send_zerocopy("x", 1));
}
