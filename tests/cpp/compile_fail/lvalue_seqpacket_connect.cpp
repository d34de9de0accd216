// expect: consumes the socket
// connect() is a transition: it consumes the socket, so it needs an rvalue.
#include <wirelane.hpp>

int main() {
    auto raw = wl::unix_seqpacket();
#ifdef WL_COMPILE_FAIL
    auto c = raw.connect(wl::UnixAddr::from_abstract_name("wl-cf"));
#else
    auto c = std::move(raw).connect(wl::UnixAddr::from_abstract_name("wl-cf"));
#endif
    return c.fd() < 0;
}
