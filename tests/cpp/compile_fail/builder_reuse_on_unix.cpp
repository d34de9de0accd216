// expect: no matching function for call to .*reuse
// Address reuse is an IP option: a Unix listener builder has no reuse().
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    auto b = wl::ListenerBuilder<wl::Unix>().reuse(wl::ReuseConfig().both());
#else
    auto b = wl::ListenerBuilder<wl::Ipv4>().reuse(wl::ReuseConfig().both());
#endif
    (void)b;
    return 0;
}
