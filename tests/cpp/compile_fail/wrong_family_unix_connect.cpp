// expect: this address is of another family
// A Unix datagram socket takes a UnixAddr, not an IP address, in try_connect too.
#include <wirelane.hpp>

int main() {
    auto sock = wl::unix_datagram();
#ifdef WL_COMPILE_FAIL
    auto r = std::move(sock).try_connect(wl::SocketAddrV4::localhost(9));
#else
    auto r = std::move(sock).try_connect(wl::UnixAddr::parse("@wl-nowhere"));
#endif
    return r ? 0 : 1;
}
