// Passing descriptors and credentials over Unix sockets (SCM_RIGHTS,
// SCM_CREDENTIALS): the received descriptor works, is close-on-exec, and
// nothing leaks when too many arrive.
#include "harness.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace {

struct Pipe {
    wl::OwnedFd read;
    wl::OwnedFd write;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
        read.reset(fds[0]);
        write.reset(fds[1]);
    }
};

}  // namespace

WLT_TEST(fdpass_send_and_receive_one_descriptor) {
    auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
    b.set_read_timeout(wlt::kTimeout);
    Pipe p;
    wl::fdpass::send_fd(a, p.write.get());
    wl::OwnedFd got = wl::fdpass::recv_fd(b);
    CHECK(got);
    CHECK(got.get() != p.write.get());
    CHECK(::fcntl(got.get(), F_GETFD) & FD_CLOEXEC);
    // Same open file: what we write through the received copy comes out of the pipe.
    CHECK_EQ(::write(got.get(), "fd!", 3), 3);
    char buf[4] = {};
    CHECK_EQ(::read(p.read.get(), buf, sizeof buf), 3);
    CHECK_EQ(std::string_view(buf, 3), std::string_view("fd!"));
    CHECK(wl::fdpass::try_send_fd(a, p.read.get()).has_value());
    auto second = wl::fdpass::try_recv_fd(b);
    CHECK(second.has_value() && static_cast<bool>(*second));
}

WLT_TEST(fdpass_several_descriptors_and_the_limit) {
    auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
    b.set_read_timeout(wlt::kTimeout);
    Pipe p;
    CHECK_EQ(wl::fdpass::send_fds(a, "x", {p.read.get(), p.write.get()}), 1u);
    char c = 0;
    auto [n, fds] = wl::fdpass::recv_fds(b, &c, 1, 4);
    CHECK_EQ(n, 1u);
    CHECK_EQ(c, 'x');
    CHECK_EQ(fds.size(), 2u);
    // More than the receiver allows: EMSGSIZE and every one that arrived is
    // closed (the harness checks that no descriptor leaked).
    const int three[3] = {p.read.get(), p.write.get(), p.read.get()};
    CHECK_EQ(wl::fdpass::send_fds(a, "y", three, 3), 1u);
    CHECK_THROWS_ERRC(wl::fdpass::recv_fds(b, &c, 1, 1), std::errc::message_size);
    // A stream needs at least one byte of data.
    CHECK_THROWS_ERRC(wl::fdpass::send_fds(a, "", {p.read.get()}), std::errc::invalid_argument);
}

WLT_TEST(fdpass_credentials) {
    auto [a, b] = wl::ConnectedStream<wl::Unix>::pair();
    b.set_read_timeout(wlt::kTimeout);
    wl::fdpass::set_passcred(b, true);
    CHECK(wl::fdpass::passcred(b));
    CHECK_EQ(wl::fdpass::send_with_credentials(a, "who"), 3u);
    char buf[8];
    auto [n, cred] = wl::fdpass::recv_with_credentials(b, buf, sizeof buf);
    CHECK_EQ(n, 3u);
    CHECK(cred.has_value());
    CHECK_EQ(cred->pid, ::getpid());
    CHECK_EQ(cred->uid, ::geteuid());
    const wl::UCred me = wl::fdpass::own_credentials();
    CHECK_EQ(me.pid, ::getpid());
    CHECK_EQ(me.gid, ::getegid());
}

WLT_TEST(fdpass_over_unix_datagrams_and_closed_peer) {
    auto [a, b] = wl::ConnectedDatagram<wl::Unix>::pair();
    b.set_read_timeout(wlt::kTimeout);
    Pipe p;
    wl::fdpass::send_fd(a, p.write.get());
    auto got = wl::fdpass::recv_fd(b);
    CHECK(got);
    CHECK_EQ(wl::fdpass::send_fds(a, "", {p.read.get()}), 0u);  // empty data is fine on datagrams
    char c;
    auto [n, fds] = wl::fdpass::recv_fds(b, &c, 1, 2);
    CHECK_EQ(n, 0u);
    CHECK_EQ(fds.size(), 1u);

    auto [s1, s2] = wl::ConnectedStream<wl::Unix>::pair();
    {
        auto gone = std::move(s1);  // the peer closes without sending
    }
    s2.set_read_timeout(wlt::kTimeout);
    CHECK(wl::fdpass::try_recv_fd(s2).error() == std::errc::no_message_available);
}
