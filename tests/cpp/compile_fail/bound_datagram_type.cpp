// expect: a bound datagram socket is wl::BoundDatagram<D>
// BoundSocket is the bound *stream* state; datagrams bind to BoundDatagram.
#include <wirelane.hpp>

int main() {
#ifdef WL_COMPILE_FAIL
    using Wrong = wl::BoundSocket<wl::Ipv4, wl::Datagram>;
    return Wrong::from_fd(0).fd();
#else
    using Right = wl::BoundDatagram<wl::Ipv4>;
    return Right::from_fd(0).fd();
#endif
}
