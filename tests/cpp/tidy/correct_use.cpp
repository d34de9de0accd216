// The same shapes as use_after_move.cpp, used correctly: tidy/check.sh
// asserts bugprone-use-after-move finds nothing here. Includes the
// recovery pattern: a failed try_ transition gives the socket back and
// assigning it to the moved-from variable makes that variable usable again.
#include <wirelane.hpp>

#include <utility>

namespace {

int bind_with_fallback(const wl::SocketAddrV4& wanted) {
    auto raw = wl::tcp4();
    auto first = std::move(raw).try_bind(wanted);
    if (first) return first->fd();
    raw = std::move(first).error().into_socket();  // re-initialised: usable again
    auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
    return bound.fd();
}

int full_chain() {
    auto listener = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(16);
    auto pending = wl::tcp4().connect_nonblocking(listener.local_addr());
    (void)pending.wait();
    auto conn = std::move(pending).finish();
    auto server = listener.accept();
    return static_cast<int>(conn.send("x")) + server.fd();
}

int datagram() {
    auto sock = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
    auto peer = sock.local_addr();
    (void)sock.send_to("x", peer);
    auto conn = std::move(sock).connect(peer);
    return static_cast<int>(conn.send("y"));
}

}  // namespace

int main() { return bind_with_fallback(wl::SocketAddrV4::localhost(1)) + full_chain() + datagram(); }
