// Listener::clone / try_clone (wl_listener_try_clone): a second object for
// one listening socket; both accept, and it listens until both are gone.
#include "domains.hpp"

#include <fcntl.h>

WLT_TEST(listener_clone_accepts_and_outlives_the_original) {
    Local<wl::Ipv4> here;
    auto listener = wl::tcp4().bind(here.addr).listen(4);
    const auto addr = listener.local_addr();
    auto copy = listener.clone();
    CHECK(copy.fd() != listener.fd());
    CHECK((::fcntl(copy.fd(), F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(copy.local_addr() == addr);

    auto client = wl::tcp4().connect(addr);
    auto server = copy.accept();
    CHECK(server.peer_addr() == client.local_addr());

    {
        auto gone = std::move(listener);  // the original closes here
    }
    auto second = copy.try_clone();
    CHECK(second.has_value());
    auto client2 = wl::tcp4().connect(addr);
    auto server2 = second->accept();
    CHECK(server2.peer_addr() == client2.local_addr());
}

WLT_TEST(listener_try_clone_of_a_moved_from_listener_fails_cleanly) {
    Local<wl::Ipv4> here;
    auto listener = wl::tcp4().bind(here.addr).listen(4);
    auto moved = std::move(listener);
    auto r = listener.try_clone();  // NOLINT(bugprone-use-after-move): the point of the test
    CHECK(!r.has_value());
    CHECK(r.error() == std::errc::invalid_argument);
    CHECK_THROWS_ERRC((void)listener.clone(), std::errc::invalid_argument);
    CHECK(moved.clone().fd() >= 0);
}
