// expect: ignoring return value
// A transition's result is [[nodiscard]]: dropping it would close the new
// socket at once (an error under -Werror).
#include <wirelane.hpp>

int main() {
    auto raw = wl::tcp4();
#ifdef WL_COMPILE_FAIL
    std::move(raw).bind(wl::SocketAddrV4::localhost(0));
    return 0;
#else
    auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
    return bound.fd() >= 0 ? 0 : 1;
#endif
}
