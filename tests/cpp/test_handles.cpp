// Ownership: RAII closes, moves transfer, into_fd/from_fd adopt and give
// up descriptors (checking domain and type), C handles cross both ways,
// and a moved-from object fails with EINVAL instead of invoking UB.
#include "domains.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace {

bool fd_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

}  // namespace

WLT_TEST(handle_destructor_and_move_assignment_close) {
    int fd = -1;
    {
        auto raw = wl::tcp4();
        fd = raw.fd();
        CHECK(fd_open(fd));
    }
    CHECK(!fd_open(fd));

    auto a = wl::udp4();
    const int fa = a.fd();
    auto b = wl::udp4();
    const int fb = b.fd();
    a = std::move(b);  // a's old socket is closed, b's moves in
    CHECK(!fd_open(fa));
    CHECK_EQ(a.fd(), fb);
}

WLT_TEST(handle_into_fd_and_from_fd_for_every_state) {
    Local<wl::Ipv4> here;
    // RawSocket
    const int rfd = wl::tcp4().into_fd();
    auto raw = wl::Tcp4Socket::from_fd(rfd);
    CHECK_EQ(raw.fd(), rfd);
    // BoundSocket
    const int bfd = std::move(raw).bind(here.addr).into_fd();
    auto bound = wl::BoundSocket<wl::Ipv4>::from_fd(bfd);
    // Listener
    const int lfd = std::move(bound).listen(4).into_fd();
    auto listener = wl::Listener<wl::Ipv4>::from_fd(lfd);
    CHECK_EQ(listener.fd(), lfd);
    // ConnectedStream
    const int cfd = wl::tcp4().connect(listener.local_addr()).into_fd();
    auto conn = wl::ConnectedStream<wl::Ipv4>::try_from_fd(cfd);
    CHECK(conn.has_value());
    auto server = listener.accept();
    CHECK(server.peer_addr() == conn->local_addr());
    // BoundDatagram, ConnectedDatagram
    const int dfd = wl::udp4().bind(here.addr).into_fd();
    auto dgram = wl::BoundDatagram<wl::Ipv4>::from_fd(dfd);
    const int dcfd = wl::udp4().connect(dgram.local_addr()).into_fd();
    auto dconn = wl::ConnectedDatagram<wl::Ipv4>::from_fd(dcfd);
    CHECK(dconn.peer_addr() == dgram.local_addr());
    // PendingConnect gives its fd up too (it cannot be adopted: see report).
    const int pfd = wl::tcp4().connect_nonblocking(listener.local_addr()).into_fd();
    CHECK(fd_open(pfd));
    ::close(pfd);
    auto accepted = listener.accept();
    (void)accepted;
}

WLT_TEST(handle_from_fd_checks_domain_type_and_state) {
    // Wrong domain: the C++ type says IPv6, the socket is IPv4. The fd
    // stays open and the caller's.
    const int v4 = wl::tcp4().into_fd();
    CHECK_THROWS_ERRC(wl::Tcp6Socket::from_fd(v4), std::errc::address_family_not_supported);
    CHECK(fd_open(v4));
    CHECK(wl::RawSocket<wl::Unix, wl::Stream>::try_from_fd(v4).error() == std::errc::address_family_not_supported);
    CHECK(fd_open(v4));
    // Wrong type: a stream socket is not a RawSocket<D, Datagram>.
    CHECK_THROWS_ERRC(wl::Udp4Socket::from_fd(v4), std::errc::wrong_protocol_type);
    CHECK(wl::Udp4Socket::try_from_fd(v4).error() == std::errc::wrong_protocol_type);
    CHECK(fd_open(v4));
    // Wrong state: a fresh socket is not a listener (the library's check).
    CHECK_THROWS_ERRC(wl::Listener<wl::Ipv4>::from_fd(v4), std::errc::invalid_argument);
    CHECK(fd_open(v4));
    // Not a socket at all.
    int pipefd[2];
    CHECK_EQ(::pipe(pipefd), 0);
    CHECK_THROWS_ERRC(wl::Tcp4Socket::from_fd(pipefd[0]), std::errc::not_a_socket);
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    // The right type adopts it; its destructor closes it.
    { auto ok = wl::Tcp4Socket::from_fd(v4); }
    CHECK(!fd_open(v4));
}

WLT_TEST(handle_c_handles_cross_both_ways) {
    auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
    b.set_read_timeout(wlt::kTimeout);
    // Borrow: call the C ABI on the C++ object's handle.
    CHECK_EQ(wl_conn_send(a.c_handle(), "c", 1, 0), 1);
    char c = 0;
    CHECK_EQ(b.recv(&c, 1), 1u);
    // Give up: the C side frees it.
    wl_conn* h = std::move(a).into_c_handle();
    CHECK(h != nullptr);
    // Adopt a handle C made.
    wl_raw* raw = nullptr;
    CHECK_EQ(wl_raw_new(AF_UNIX, SOCK_STREAM, &raw), 0);
    auto adopted = wl::UnixStreamSocket::from_c_handle(raw);
    CHECK(adopted.local_addr().is_unnamed());
    // A handle of another domain is refused and stays the caller's.
    CHECK_THROWS_ERRC(wl::ConnectedStream<wl::Ipv4>::from_c_handle(h), std::errc::address_family_not_supported);
    auto mine = wl::ConnectedStream<wl::Unix>::from_c_handle(h);
    CHECK_EQ(mine.send("d"), 1u);
    CHECK_EQ(b.recv(&c, 1), 1u);
    CHECK_THROWS_ERRC(wl::Tcp4Socket::from_c_handle(nullptr), std::errc::invalid_argument);
}

WLT_TEST(handle_moved_from_object_fails_with_einval) {
    // Deliberate use after move (clang-tidy flags this; see tidy/): no UB,
    // the C ABI sees a NULL handle and every call reports EINVAL.
    auto raw = wl::tcp4();
    auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
    CHECK_THROWS_ERRC(raw.fd(), std::errc::invalid_argument);
    CHECK(raw.try_local_addr().error() == std::errc::invalid_argument);
    auto again = std::move(raw).try_bind(wl::SocketAddrV4::localhost(0));
    CHECK(!again);
    CHECK(again.error().code() == std::errc::invalid_argument);
    auto other = std::move(bound);
    CHECK_THROWS_ERRC(bound.is_nonblocking(), std::errc::invalid_argument);
    CHECK(other.fd() >= 0);
}
