// The fast paths and stream helpers: sendfile, splice/tee through pipes,
// MSG_ZEROCOPY, send_all/recv_until/is_connected, wait, and the config
// apply functions.
#include "domains.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

// A temporary file holding `content`, removed at scope exit.
struct TempFile {
    wl::OwnedFd fd;
    explicit TempFile(const std::string& content) {
        char name[] = "/tmp/wl-cpp-file-XXXXXX";
        fd.reset(::mkostemp(name, O_CLOEXEC));
        if (!fd) throw std::system_error(errno, std::generic_category(), "mkostemp");
        ::unlink(name);
        if (::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
            throw std::system_error(errno, std::generic_category(), "write");
    }
};

std::string read_exactly(const wl::ConnectedStream<wl::Unix>& conn, std::size_t n) {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        const std::size_t r = conn.recv(out.data() + got, n - got);
        if (r == 0) break;
        got += r;
    }
    out.resize(got);
    return out;
}

}  // namespace

WLT_TEST(zerocopy_sendfile_and_sendfile_all) {
    auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
    b.set_read_timeout(wlt::kTimeout);
    TempFile file("0123456789abcdef");
    std::uint64_t offset = 4;
    CHECK_EQ(a.sendfile(file.fd, &offset, 6), 6u);
    CHECK_EQ(offset, 10u);
    CHECK_EQ(read_exactly(b, 6), std::string("456789"));
    CHECK_EQ(a.sendfile_all(file.fd.get(), &offset, 100), 6u);  // stops at end of file
    CHECK_EQ(read_exactly(b, 6), std::string("abcdef"));
    CHECK_EQ(*a.try_sendfile(file.fd, &offset, 10), 0u);  // end of file
    std::uint64_t zero = 0;
    CHECK_EQ(*a.try_sendfile_all(file.fd, &zero, 3), 3u);
    CHECK_EQ(read_exactly(b, 3), std::string("012"));
    // A socket is not a file to send from.
    CHECK_THROWS_ERRC(a.sendfile(b, nullptr, 1), std::errc::invalid_argument);
}

WLT_TEST(zerocopy_splice_tee_and_pipes) {
    Local<wl::Ipv4> here;
    auto listener = listen_local(here);
    auto [client, server] = connected_pair(listener);
    wl::zerocopy::Pipe pipe;
    CHECK(pipe.capacity() >= 4096u);
    CHECK(pipe.set_capacity(1 << 16) >= (1u << 16));
    CHECK_EQ(client.send("spliced"), 7u);
    // socket -> pipe -> socket, without user-space copies.
    CHECK_EQ(wl::zerocopy::splice(server, nullptr, pipe.writer(), nullptr, 7, wl::zerocopy::splice_f_move), 7u);
    CHECK_EQ(pipe.pending(), 7u);
    auto [r2, w2] = wl::zerocopy::pipe();
    CHECK_EQ(wl::zerocopy::tee(pipe.reader(), w2, 7), 7u);  // duplicated, not consumed
    CHECK_EQ(pipe.pending(), 7u);
    CHECK_EQ(wl::zerocopy::splice(pipe.reader(), nullptr, server, nullptr, 7), 7u);
    char buf[8];
    CHECK_EQ(client.recv(buf, sizeof buf), 7u);
    CHECK_EQ(std::string_view(buf, 7), std::string_view("spliced"));
    CHECK_EQ(::read(r2.get(), buf, sizeof buf), 7);
    // Neither side a pipe: EINVAL.
    CHECK(wl::zerocopy::try_splice(server, nullptr, client, nullptr, 1).error() == std::errc::invalid_argument);

    // File -> socket through a pipe, the proxy loop.
    TempFile file(std::string(10000, 'f'));
    std::uint64_t moved = 0;
    std::size_t left = 0;
    {
        wl::OwnedFd from(::open(("/proc/self/fd/" + std::to_string(file.fd.get())).c_str(), O_RDONLY | O_CLOEXEC));
        CHECK(from);
        CHECK_EQ(wl::zerocopy::splice_all(from, client, 10000, pipe, &moved, &left), 10000u);
    }
    CHECK_EQ(moved, 10000u);
    CHECK_EQ(left, 0u);
    std::size_t total = 0;
    std::vector<char> big(4096);
    while (total < 10000) total += server.recv(big.data(), big.size());
    CHECK_EQ(total, 10000u);
    auto [rd, wr] = std::move(pipe).into_fds();
    CHECK(rd && wr);
}

WLT_TEST(zerocopy_msg_zerocopy_completion) {
    Local<wl::Ipv4> here;
    auto listener = listen_local(here);
    auto [client, server] = connected_pair(listener);
    wl::zerocopy::set_zerocopy(client, true);
    CHECK(wl::zerocopy::zerocopy(client));
    static const char data[] = "zero-copy payload";
    CHECK_EQ(client.send_zerocopy(data, sizeof data - 1), sizeof data - 1);
    const auto done = client.wait_zerocopy_completion(wlt::kTimeout);
    CHECK(done.has_value());
    CHECK_EQ(done->first, 0u);
    CHECK_EQ(done->last, 0u);
    CHECK(done->copied);  // loopback always copies
    CHECK(!client.recv_zerocopy_completion());
    char buf[32];
    CHECK_EQ(server.recv(buf, sizeof buf), sizeof data - 1);
    CHECK(client.try_send_zerocopy(data, 4).has_value());
}

WLT_TEST(stream_send_all_recv_until_is_connected) {
    // Not a structured binding: the reader thread's lambda captures `b`
    // (capturing bindings is C++20, and older Clang rejects it).
    auto ab = wl::ConnectedStream<wl::Unix>::pair();
    auto& a = ab.first;
    auto& b = ab.second;
    b.set_read_timeout(wlt::kTimeout);
    // 4 MiB through a socket buffer far smaller: send_all loops until done.
    const std::string big(4 << 20, 'b');
    std::size_t received = 0;
    std::thread reader([&] {
        std::vector<char> buf(1 << 16);
        while (received < big.size()) {
            auto r = b.try_recv(buf.data(), buf.size());
            if (!r || *r == 0) break;
            received += *r;
        }
    });
    std::size_t sent = 0;
    a.send_all(big, 10s, nullptr, &sent);
    reader.join();
    CHECK_EQ(sent, big.size());
    CHECK_EQ(received, big.size());

    // Nobody reads: the deadline ends it, and `sent` says how far it got.
    std::size_t partial = 0;
    auto r = a.try_send_all(big, 50ms, nullptr, &partial);
    CHECK(r.error() == std::errc::timed_out);
    CHECK(partial > 0 && partial < big.size());
    std::atomic<bool> cancel{true};
    std::size_t none = 7;
    CHECK(a.try_send_all("x", std::nullopt, &cancel, &none).error() == std::errc::operation_canceled);
    CHECK_EQ(none, 0u);

    // recv_until stops at the terminator and leaves the rest queued.
    auto [c, d] = wl::ConnectedStream<wl::Unix>::pair();
    d.set_read_timeout(wlt::kTimeout);
    c.send_all("GET / HTTP/1.1\r\n\r\nBODY");
    char head[64];
    const std::size_t n = d.recv_until("\r\n\r\n", head, sizeof head, 2s);
    CHECK_EQ(std::string_view(head, n), std::string_view("GET / HTTP/1.1\r\n\r\n"));
    c.send_all(std::string_view("\n"));
    CHECK_EQ(d.recv_until("\n", 16), std::string("BODY\n"));
    CHECK(d.try_recv_until("\n", head, sizeof head, 20ms).error() == std::errc::timed_out);
    c.send_all("no terminator here");
    std::size_t consumed = 0;
    CHECK(d.try_recv_until("\n", head, 8, 1s, &consumed).error() == std::errc::invalid_argument);
    CHECK_EQ(consumed, 8u);

    CHECK(c.is_connected());
    c.shutdown(wl::Shutdown::Write);
    char rest[32];
    (void)d.recv(rest, sizeof rest);  // drain what is left
    CHECK(!*d.try_is_connected());
    CHECK(d.try_recv_until("\n", head, sizeof head, 1s).error() == std::errc::no_message_available);
}

WLT_TEST(stream_ext_wait_and_error_names) {
    auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
    namespace se = wl::stream_ext;
    CHECK_EQ(se::wait(b, se::readable, 0ms), 0);
    CHECK(se::wait(a, se::writable, 0ms) & se::writable);
    CHECK_EQ(a.send("r"), 1u);
    CHECK(se::wait(b, se::readable, 1s) & se::readable);
    CHECK(*se::try_wait(b.fd(), se::readable) & se::readable);
    CHECK_EQ(se::errno_name(std::make_error_code(std::errc::connection_refused)), std::string_view("ECONNREFUSED"));
    CHECK_EQ(se::errno_name(std::make_error_code(std::errc::operation_would_block)), std::string_view("EAGAIN"));
    CHECK(se::is_transient(std::make_error_code(std::errc::resource_unavailable_try_again)));
    CHECK(se::is_transient(std::make_error_code(std::errc::interrupted)));
    CHECK(!se::is_transient(std::make_error_code(std::errc::broken_pipe)));
}

WLT_TEST(config_apply_to_existing_sockets) {
    auto raw = wl::tcp4();
    wl::ReuseConfig().both().apply(raw);
    CHECK(wl::reuse_address(raw) && wl::reuse_port(raw));
    wl::BufferConfig().both(65536).apply(raw);
    CHECK(wl::recv_buffer_size(raw) >= 65536u);
    wl::KeepaliveConfig().idle(11).count(4).apply(raw);
    CHECK(wl::keepalive(raw));
    CHECK(wl::tcp_keepalive_idle(raw) == 11s);
    CHECK_EQ(wl::tcp_keepalive_count(raw), 4u);
    wl::TcpConfig().nodelay(true).congestion("reno").apply(raw);
    CHECK(wl::tcp_nodelay(raw));
    CHECK_EQ(wl::tcp_congestion(raw), std::string("reno"));
    CHECK_THROWS_ERRC(wl::KeepaliveConfig().idle(0).interval(40000).apply(raw), std::errc::invalid_argument);
    auto udp = wl::udp4();
    CHECK_THROWS_ERRC(wl::TcpConfig().nodelay(true).apply(udp), std::errc::no_protocol_option);
}
