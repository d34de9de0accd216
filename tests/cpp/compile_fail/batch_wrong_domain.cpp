// expect: cannot convert .*SendBatch<wl::Ipv6>.* to .*SendBatch<wl::Ipv4>
// A batch is for one domain: an IPv6 batch cannot go through an IPv4 socket.
#include <wirelane.hpp>

int main() {
    auto sock = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
#ifdef WL_COMPILE_FAIL
    wl::batch::SendBatch<wl::Ipv6> batch(4);
#else
    wl::batch::SendBatch<wl::Ipv4> batch(4);
#endif
    return static_cast<int>(sock.send_batch(batch));
}
