// expect: use of deleted function
// std: c++20
// wl::asio: one owner per socket: a twin moves, it does not copy.
#include <wirelane_asio.hpp>

void keep(wl::asio::stream<wl::Unix>& s) {
#ifdef WL_COMPILE_FAIL
    auto copy = s;
#else
    auto moved = std::move(s);
#endif
}

int main() { return 0; }
