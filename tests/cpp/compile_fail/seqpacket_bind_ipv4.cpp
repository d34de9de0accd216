// expect: takes the socket domain's address type
// A seqpacket socket is Unix only: an IPv4 address is refused at compile time.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto b = wl::unix_seqpacket().bind(wl::SocketAddrV4::localhost(0));
#else
    auto b = wl::unix_seqpacket().bind(wl::UnixAddr::from_abstract_name("wl-cf"));
#endif
    return b.fd() < 0;
}
