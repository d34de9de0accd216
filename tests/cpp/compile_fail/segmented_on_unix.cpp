// expect: no matching function for call to .*send_segmented
// UDP segmentation offload exists for UDP, not Unix datagrams.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto sock = wl::ConnectedDatagram<wl::Unix>::pair().first;
#else
    auto sock = wl::udp4().connect(wl::SocketAddrV4::localhost(9));
#endif
    return static_cast<int>(sock.send_segmented("abcd", 2).datagrams);
}
