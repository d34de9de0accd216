// expect: use of deleted function
// One owner per socket: objects move, they do not copy.
#include <wirelane.hpp>

int main() {
    auto a = wl::tcp4();
#ifdef WL_COMPILE_FAIL
    auto b = a;
#else
    auto b = std::move(a);
#endif
    return b.fd() >= 0 ? 0 : 1;
}
