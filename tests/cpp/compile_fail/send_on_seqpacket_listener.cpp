// expect: has no member named .send.
// A seqpacket listener accepts; it does not send.
#include <wirelane.hpp>

int main() {
    auto listener = wl::unix_seqpacket().bind(wl::UnixAddr::from_abstract_name("wl-cf")).listen(1);
#ifdef WL_COMPILE_FAIL
    return static_cast<int>(listener.send("x"));
#else
    return static_cast<int>(listener.accept().send("x"));
#endif
}
