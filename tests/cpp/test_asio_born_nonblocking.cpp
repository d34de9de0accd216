// wl::asio accepts connections non-blocking from birth (accept4 with
// SOCK_NONBLOCK | SOCK_CLOEXEC, through wl::try_accept(l, wl::nonblock)),
// so registering them needs no fcntl: the accepted descriptor must arrive
// non-blocking and close-on-exec, through both accept forms, and a
// released connection goes back to blocking like any other twin.
#include <fcntl.h>

#include "asio_support.hpp"

namespace {

using namespace wlt::aio;

bool fd_nonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }
bool fd_cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

template <class D>
void accepted_streams_are_nonblocking_from_birth() {
    Local<D> here;
    run("born nonblocking", std::chrono::seconds(10), [&](auto ex) -> ::asio::awaitable<void> {
        wa::listener<D> l(ex, wl::RawSocket<D, wl::Stream>::create().bind(here.addr).listen(4));
        const auto at = l.local_addr();
        // Blocking clients: the server side is what is checked.
        auto c1 = wl::RawSocket<D, wl::Stream>::create().connect(at);
        auto c2 = wl::RawSocket<D, wl::Stream>::create().connect(at);

        wa::stream<D> s1 = co_await l.async_accept();
        CHECK(s1.is_open());
        CHECK(fd_nonblocking(s1.native_handle()));
        CHECK(fd_cloexec(s1.native_handle()));

        auto [s2, peer] = co_await l.async_accept_with_addr();
        CHECK(s2.is_open());
        CHECK(fd_nonblocking(s2.native_handle()));
        CHECK(fd_cloexec(s2.native_handle()));
        CHECK(peer == c2.local_addr());

        // The connection works through the reactor.
        CHECK_EQ(c1.send("born"), 4u);
        char buf[8] = {};
        CHECK_EQ(co_await ::asio::async_read(s1, ::asio::buffer(buf, 4), ::asio::use_awaitable), 4u);
        CHECK_EQ(std::string(buf, 4), "born");

        // Released, it is an ordinary blocking wl::ConnectedStream again.
        wl::ConnectedStream<D> back = s2.release();
        CHECK(!fd_nonblocking(back.fd()));
        CHECK(!back.is_nonblocking());
    });
}

}  // namespace

WLT_TEST(asio_accepted_tcp4_is_nonblocking_from_birth) { accepted_streams_are_nonblocking_from_birth<wl::Ipv4>(); }
WLT_TEST(asio_accepted_tcp6_is_nonblocking_from_birth) { accepted_streams_are_nonblocking_from_birth<wl::Ipv6>(); }
WLT_TEST(asio_accepted_unix_is_nonblocking_from_birth) { accepted_streams_are_nonblocking_from_birth<wl::Unix>(); }
