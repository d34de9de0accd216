// expect: no matching function for call to .*send_meta
// Per-datagram UDP metadata exists for UDP, not Unix datagrams.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto sock = wl::ConnectedDatagram<wl::Unix>::pair().first;
    wl::meta::Send<wl::UnixAddr> m;
#else
    auto sock = wl::udp4().connect(wl::SocketAddrV4::localhost(9));
    wl::meta::Send<wl::SocketAddrV4> m;
#endif
    m.ttl = 7;
    return static_cast<int>(sock.send_meta("abcd", m));
}
