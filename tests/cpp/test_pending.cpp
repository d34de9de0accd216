// PendingConnect: connect_nonblocking -> wait -> finish, for each domain,
// and a refused connect handing the socket back.
#include "domains.hpp"

namespace {

template <class D>
void pending_connects() {
    Local<D> here;
    auto listener = listen_local(here);
    auto pending = wl::RawSocket<D, wl::Stream>::create().connect_nonblocking(listener.local_addr());
    CHECK(pending.is_nonblocking());
    CHECK(pending.fd() >= 0);
    CHECK(pending.wait(wlt::kTimeout));
    CHECK(*pending.try_wait(std::chrono::milliseconds(0)));
    auto conn = std::move(pending).finish();
    CHECK(conn.is_nonblocking());  // the connected socket stays non-blocking
    conn.set_nonblocking(false);
    conn.set_read_timeout(wlt::kTimeout);
    auto server = listener.accept();
    CHECK(server.peer_addr() == conn.local_addr());
    CHECK_EQ(conn.send("p"), 1u);
    char c = 0;
    CHECK_EQ(server.recv(&c, 1), 1u);
    CHECK_EQ(c, 'p');
}

}  // namespace

WLT_TEST(pending_connect_ipv4) { pending_connects<wl::Ipv4>(); }
WLT_TEST(pending_connect_ipv6) { pending_connects<wl::Ipv6>(); }
WLT_TEST(pending_connect_unix) { pending_connects<wl::Unix>(); }

WLT_TEST(pending_try_finish_and_wait_forever) {
    Local<wl::Ipv4> here;
    auto listener = listen_local(here);
    auto pending = wl::tcp4().try_connect_nonblocking(listener.local_addr());
    CHECK(pending.has_value());
    CHECK(pending->wait());
    CHECK(*pending->try_wait());
    CHECK(!pending->take_error());
    auto conn = std::move(*pending).try_finish();
    CHECK(conn.has_value());
    auto server = listener.accept();
    CHECK(server.peer_addr() == conn->local_addr());
}

WLT_TEST(pending_refused_hands_the_socket_back) {
    // A bound but not listening port refuses connects (RST on loopback).
    auto bound = wl::tcp4().bind(wl::SocketAddrV4::localhost(0));
    const auto refusing = bound.local_addr();
    auto started = wl::tcp4().try_connect_nonblocking(refusing);
    if (!started) {
        // The kernel may refuse at once: the raw socket comes back.
        CHECK(started.error().code() == std::errc::connection_refused);
        auto raw = std::move(started).error().into_socket();
        CHECK(!raw.is_nonblocking());  // blocking mode restored
        return;
    }
    auto pending = std::move(*started);
    CHECK(pending.wait(wlt::kTimeout));
    const int fd = pending.fd();
    auto done = std::move(pending).try_finish();
    CHECK(!done);
    CHECK(done.error().code() == std::errc::connection_refused);
    CHECK(done.error().message().find("wl_pending_finish") != std::string::npos);
    CHECK_EQ(done.error().socket().fd(), fd);
    auto [ec, back] = std::move(done).error().into_parts();
    CHECK(ec == std::errc::connection_refused);
    CHECK_EQ(back.fd(), fd);
}
