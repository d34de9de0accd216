// expect: use of deleted function
// A SendBatch borrows its payloads: a temporary std::string would dangle
// before the send, so pushing one does not compile.
#include <wirelane.hpp>

#include <string>

int main() {
    wl::batch::SendBatch<wl::Ipv4> batch(4);
    const auto to = wl::SocketAddrV4::localhost(9);
#ifdef WL_COMPILE_FAIL
    batch.push(std::string("temporary"), to);
#else
    const std::string payload("lives long enough");
    batch.push(payload, to);
#endif
    return static_cast<int>(batch.len());
}
