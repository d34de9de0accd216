// The snippets of tests/cpp/README.md (the README's C++ section), verbatim
// inside test cases, with the names they assume defined around them.
#include "domains.hpp"

#include <fcntl.h>

#include <iostream>
#include <vector>

namespace readme_main {
// The first snippet's main(), renamed.
int main() {
    // RawSocket<Ipv4, Stream> -> BoundSocket<Ipv4, Stream> -> Listener<Ipv4>
    auto listener = wl::RawSocket<wl::Ipv4, wl::Stream>::create()
                        .bind(wl::SocketAddrV4::localhost(0))
                        .listen(128);

    auto client = wl::tcp4().connect(listener.local_addr());   // ConnectedStream<Ipv4>
    auto [server, peer] = listener.accept_with_addr();         // accept borrows the listener

    (void)client.send("hello");
    char buf[64];
    const std::size_t n = server.recv(buf, sizeof buf);       // std::span too, in C++20
    return n == 5 && peer == client.local_addr() ? 0 : 1;
}
}  // namespace readme_main

WLT_TEST(readme_quick_start_main) { CHECK_EQ(readme_main::main(), 0); }

WLT_TEST(readme_named_socket_moves) {
    auto raw = wl::tcp4();                                  // wl::Tcp4Socket
    auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
    auto listener = std::move(bound).listen(128);
    CHECK(listener.local_addr().port() != 0);
}

WLT_TEST(readme_transition_error_hands_the_socket_back) {
    // Occupy the address the snippet asks for, so its failure path runs.
    auto taken = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(1);
    const auto busy = taken.local_addr();
    bool recovered = false;
    {
        auto raw = wl::tcp4();
        auto first = std::move(raw).try_bind(busy);
        if (!first) {
            std::cerr << first.error().message() << "\n";       // wl_raw_bind: Address already in use
            raw = std::move(first).error().into_socket();       // the same socket, still unbound
            auto bound = std::move(raw).bind(wl::SocketAddrV4::localhost(0));
            recovered = bound.local_addr().port() != 0;
        }
    }
    CHECK(recovered);
}

WLT_TEST(readme_fast_paths) {
    using namespace std::chrono_literals;
    Local<wl::Ipv4> here;
    auto server_listener = listen_local(here);
    const auto peer = server_listener.local_addr();
    const auto addr = wl::SocketAddrV4::localhost(0);
    auto r1 = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
    auto r2 = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
    const auto addr1 = r1.local_addr();
    const auto addr2 = r2.local_addr();
    char file_name[] = "/tmp/wl-cpp-readme-XXXXXX";
    const int file_fd = ::mkostemp(file_name, O_CLOEXEC);
    CHECK(file_fd >= 0);
    ::unlink(file_name);
    CHECK_EQ(::write(file_fd, "FILE", 4), 4);
    bool connected = false;
    std::size_t sent_count = 0;
    std::size_t got_count = 0;
    bool fd_received = false;
    {
        auto pending = wl::tcp4().connect_nonblocking(peer);       // PendingConnect<Ipv4>
        // register pending.fd() with epoll/io_uring, or:
        if (pending.wait(2s)) {
            auto conn = std::move(pending).finish();               // ConnectedStream<Ipv4>
            wl::set_tcp_nodelay(conn, true);                        // any state, an OwnedFd or a raw fd
            conn.set_read_timeout(500ms);
            connected = wl::tcp_nodelay(conn);
        }

        const auto tcp = wl::TcpConfig().nodelay(true).keepalive(wl::KeepaliveConfig().idle(30).interval(5).count(3));
        auto listener = wl::ListenerBuilder<wl::Ipv4>()
                            .reuse(wl::ReuseConfig().both())
                            .tcp(tcp)
                            .buffers(wl::BufferConfig().both(65536))
                            .backlog(4096)
                            .bind(addr);
        auto conn = wl::ConnectorBuilder<wl::Ipv4>().tcp(tcp).timeout(2s).connect(peer);
        CHECK(wl::tcp_nodelay(conn));
        CHECK(wl::reuse_port(listener));

        // sendmmsg: one syscall for many datagrams; GSO; recvmmsg into reusable slots
        auto udp = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
        std::vector<std::pair<std::string_view, wl::SocketAddrV4>> messages{{"packet1", addr1}, {"packet2", addr2}};
        std::vector<std::size_t> sent = udp.sendmmsg(messages);
        sent_count = sent.size();
        (void)udp.send_to("reply", udp.local_addr());
        wl::batch::RecvBatch<wl::Ipv4> slots(64, 2048);
        std::size_t got = udp.recv_batch(slots, wl::batch::waitforone);
        got_count = got;

        // descriptors over Unix sockets
        auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
        wl::fdpass::send_fd(a, file_fd);
        wl::OwnedFd received = wl::fdpass::recv_fd(b);
        fd_received = static_cast<bool>(received);

        // The peer of `conn`: it sends what splice and recv_until read.
        (void)server_listener.accept();  // the non-blocking connect above
        auto far = server_listener.accept();
        far.set_read_timeout(wlt::kTimeout);
        far.send_all("0123456789");
        (void)wl::stream_ext::wait(conn, wl::stream_ext::readable, 2s);

        // zero copy: file -> socket with sendfile, pipe <-> socket with splice
        std::uint64_t offset = 0;
        std::size_t n = conn.sendfile(file_fd, &offset, 1'000'000);
        wl::zerocopy::Pipe pipe;
        std::size_t moved = wl::zerocopy::splice(conn, nullptr, pipe.writer(), nullptr, 65536, wl::zerocopy::splice_f_move);
        CHECK_EQ(n, 4u);
        CHECK_EQ(moved, 10u);
        far.send_all("HEAD\r\n\r\nrest");

        // stream helpers: all or an error (short sends, EINTR, EAGAIN handled), up to a terminator
        conn.send_all("HTTP/1.1 200 OK\r\n\r\n", 2s);
        std::string head = conn.recv_until("\r\n\r\n", 8192, 2s);
        CHECK_EQ(head, std::string("HEAD\r\n\r\n"));
        CHECK_EQ(far.recv_until("\r\n\r\n", 64, 2s), std::string("FILEHTTP/1.1 200 OK\r\n\r\n"));
    }
    ::close(file_fd);
    CHECK(connected);
    CHECK_EQ(sent_count, 2u);
    CHECK_EQ(got_count, 1u);
    CHECK(fd_received);
    char buf[8];
    r1.set_read_timeout(wlt::kTimeout);
    CHECK_EQ(r1.recv_from(buf, sizeof buf).first, 7u);
}
