// expect: into_fd\(\) consumes the socket
// Giving up the descriptor consumes the object: rvalue only.
#include <wirelane.hpp>

int main() {
    auto raw = wl::udp4();
#ifdef WL_COMPILE_FAIL
    const int fd = raw.into_fd();
#else
    const int fd = std::move(raw).into_fd();
#endif
    return fd >= 0 ? 0 : 1;
}
