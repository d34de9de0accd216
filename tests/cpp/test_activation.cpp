// wl::activation and wl::handover: a forked child activated the way
// systemd does (descriptors at 3, 4, ..., LISTEN_PID = its pid) adopts
// typed sockets by name with errors that name the descriptor; sd_notify to
// a test socket; a handover to a forked successor that then serves; a
// spawned successor inherits exactly the channel.
#include "harness.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>

namespace {

// Runs `body` in a forked child; the child's exit code is 0 when `body`
// returned, 1 on any exception (printed). Returns the exit status.
int in_child(const std::function<void()>& body) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        int code = 0;
        try {
            body();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "child: %s\n", e.what());
            code = 1;
        }
        std::fflush(stderr);
        ::_exit(code);
    }
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) throw std::system_error(errno, std::generic_category(), "waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// In the child: places `fds` at 3, 4, ... (through copies above them, so
// none overwrites another) and sets the variables for this pid.
void pass_like_systemd(const std::vector<int>& fds, const char* names) {
    std::vector<int> high;
    for (int fd : fds) high.push_back(::fcntl(fd, F_DUPFD, 100));
    for (std::size_t i = 0; i < high.size(); ++i) {
        if (::dup2(high[i], 3 + static_cast<int>(i)) < 0) throw std::system_error(errno, std::generic_category());
        ::close(high[i]);
    }
    ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
    ::setenv("LISTEN_FDS", std::to_string(fds.size()).c_str(), 1);
    ::setenv("LISTEN_FDNAMES", names, 1);
}

bool contains(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

}  // namespace

WLT_TEST(activation_child_takes_typed_sockets_by_name) {
    auto web = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(16);
    auto dns = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
    const auto addr = web.local_addr();
    const int code = in_child([&] {
        pass_like_systemd({web.fd(), dns.fd()}, "web:dns");
        auto inherited = wl::activation::listen_fds();
        CHECK(std::getenv("LISTEN_FDS") == nullptr);
        CHECK_EQ(inherited.size(), 2u);
        CHECK_EQ(inherited.name(1), std::string("dns"));
        CHECK_EQ(inherited.fd(0), 3);
        CHECK(inherited.index_of("dns") == std::optional<std::size_t>(1));
        CHECK(!inherited.index_of("nope").has_value());
        bool threw = false;
        try {
            (void)inherited.take_listener<wl::Ipv4>("dns");
        } catch (const std::system_error& e) {
            threw = true;
            CHECK(contains(e.what(), "fd 4 (\"dns\") is an AF_INET (IPv4) datagram socket"));
            CHECK(contains(e.what(), "cannot adopt it as wl_listener of AF_INET (IPv4)"));
        }
        CHECK(threw);
        auto wrong = inherited.try_take_listener<wl::Ipv6>(0);
        CHECK(!wrong.has_value());
        CHECK(wrong.error() == std::errc::address_family_not_supported);
        wl::Listener<wl::Ipv4> l = inherited.take_listener<wl::Ipv4>("web");
        wl::BoundDatagram<wl::Ipv4> d = inherited.take_datagram<wl::Ipv4>(1);
        CHECK(::fcntl(l.fd(), F_GETFD) & FD_CLOEXEC);
        auto client = wl::tcp4().connect(addr);
        auto served = l.accept();
        CHECK_EQ(client.send("hi"), 2u);
        char buf[2];
        CHECK_EQ(served.recv(buf, 2), 2u);
    });
    CHECK_EQ(code, 0);
}

WLT_TEST(activation_errors_are_named) {
    const int code = in_child([] {
        ::unsetenv("LISTEN_PID");
        ::unsetenv("LISTEN_FDS");
        CHECK_THROWS_ERRC(wl::activation::listen_fds(), std::errc::no_such_file_or_directory);
        ::setenv("LISTEN_PID", "1", 1);
        ::setenv("LISTEN_FDS", "1", 1);
        auto r = wl::activation::try_listen_fds();
        CHECK(!r.has_value() && r.error() == std::errc::invalid_argument);
        CHECK(contains(wl::last_error_message(), "LISTEN_PID=1 names another process"));
        int p[2];
        CHECK(::pipe(p) == 0);
        const int keep = ::fcntl(p[0], F_DUPFD, 100);  // p[0] may itself be 3
        ::close(p[0]);
        ::close(p[1]);
        pass_like_systemd({keep}, "pipe");
        ::close(keep);
        auto inherited = wl::activation::listen_fds();
        CHECK_THROWS_ERRC(inherited.take_listener<wl::Unix>(0), std::errc::not_a_socket);
        CHECK(contains(wl::last_error_message(), "fd 3 (\"pipe\") is a pipe (FIFO), not a socket"));
    });
    CHECK_EQ(code, 0);
}

WLT_TEST(activation_notify_to_a_socket) {
    const std::string path = wlt::unix_path("notify");
    wlt::Unlink gone{path};
    auto server = wl::unix_datagram().bind(wl::UnixAddr::from_path(path));
    server.set_read_timeout(wlt::kTimeout);
    wl::activation::notify_to(path, wl::activation::ready);
    char buf[32];
    CHECK_EQ(server.recv_from(buf, sizeof buf).first, 7u);
    CHECK_EQ(std::string_view(buf, 7), wl::activation::ready);
    CHECK_THROWS_ERRC(wl::activation::notify_to("relative", "READY=1"), std::errc::invalid_argument);
    ::unsetenv("NOTIFY_SOCKET");
    CHECK(!wl::activation::notify(wl::activation::stopping));
}

WLT_TEST(handover_to_a_forked_successor_which_serves) {
    auto web = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(16);
    const auto addr = web.local_addr();
    auto [old_end, new_end] = wl::ConnectedStream<wl::Unix>::pair();
    const pid_t pid = ::fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int code = 0;
        try {
            auto inherited = wl::handover::receive(new_end);
            auto l = inherited.take_listener<wl::Ipv4>("web");
            wl::handover::acknowledge(new_end);
            auto conn = l.accept();
            char buf[4];
            const std::size_t n = conn.recv(buf, sizeof buf);
            (void)conn.send(buf, n);
        } catch (...) {
            code = 1;
        }
        ::_exit(code);
    }
    {
        wl::handover::Handover h;
        h.add("web", web).send(old_end);  // returns once adopted
    }
    { auto stop = std::move(web); }  // stop accepting: the successor holds the socket
    auto client = wl::tcp4().connect(addr);
    client.set_read_timeout(wlt::kTimeout);
    CHECK_EQ(client.send("ping"), 4u);
    char back[4];
    CHECK_EQ(client.recv(back, 4), 4u);
    CHECK_EQ(std::string_view(back, 4), std::string_view("ping"));
    int status = 0;
    CHECK_EQ(::waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    wl::handover::Handover empty;
    CHECK_THROWS_ERRC(empty.send(old_end), std::errc::invalid_argument);
    CHECK(!wl::handover::channel_from_env().has_value());
}

WLT_TEST(handover_spawned_successor_inherits_the_channel) {
    // The child checks that WIRELANE_HANDOVER_FD names an open socket.
    auto s = wl::handover::spawn_successor(
        "/bin/sh", {"sh", "-c", "test -n \"$WIRELANE_HANDOVER_FD\" && test -S /proc/self/fd/$WIRELANE_HANDOVER_FD"});
    CHECK(s.pid > 0);
    int status = 0;
    CHECK_EQ(::waitpid(s.pid, &status, 0), s.pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_THROWS_ERRC(wl::handover::spawn_successor("/nonexistent/x", {"x"}), std::errc::no_such_file_or_directory);
}
