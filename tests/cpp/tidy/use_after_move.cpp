// Deliberate misuse, checked by tidy/check.sh: every line marked MISUSE
// uses a socket after a transition (or a plain move) consumed it, and
// clang-tidy's bugprone-use-after-move must flag exactly those lines.
// The C++ compiler accepts this file; the typestate in C++ relies on the
// linter for use-after-move, as the README says.
#include <wirelane.hpp>

#include <utility>

namespace {

int after_bind() {
    auto raw = wl::tcp4();
    auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
    return raw.fd() + bound.fd();  // MISUSE
}

int after_try_listen() {
    auto bound = wl::tcp4().bind(wl::SocketAddrV4::localhost(0));
    auto listener = std::move(bound).try_listen(16);
    return bound.fd() + (listener ? 1 : 0);  // MISUSE
}

int after_finish() {
    auto listener = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(16);
    auto pending = wl::tcp4().connect_nonblocking(listener.local_addr());
    auto conn = std::move(pending).finish();
    return static_cast<int>(pending.is_nonblocking()) + conn.fd();  // MISUSE
}

int after_datagram_connect() {
    auto sock = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
    auto peer = sock.local_addr();
    auto conn = std::move(sock).connect(peer);
    return static_cast<int>(sock.send_to("x", peer)) + conn.fd();  // MISUSE
}

int after_into_fd() {
    auto sock = wl::udp4();
    const int fd = std::move(sock).into_fd();
    return fd + sock.fd();  // MISUSE
}

int after_move_construction() {
    auto a = wl::unix_stream();
    auto b = std::move(a);
    return a.fd() + b.fd();  // MISUSE
}

}  // namespace

int main() {
    return after_bind() + after_try_listen() + after_finish() + after_datagram_connect() + after_into_fd() +
           after_move_construction();
}
