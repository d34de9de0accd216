// expect: into_inner\(\) consumes the socket \(a typestate transition\)
// std: c++20
// wl::asio: into_inner() gives the wl:: object back and consumes the
// twin; release() is the lvalue form.
#include <wirelane_asio.hpp>

wl::Listener<wl::Ipv4> back(wl::asio::listener<wl::Ipv4>& l) {
#ifdef WL_COMPILE_FAIL
    return l.into_inner();
#else
    return std::move(l).into_inner();
#endif
}

int main() { return 0; }
