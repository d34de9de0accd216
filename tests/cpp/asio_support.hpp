// What the asio tests (test_asio*.cpp) share: running a coroutine on a
// fresh io_context with a deadline, and raising the descriptor limit.
#ifndef WLT_ASIO_SUPPORT_HPP
#define WLT_ASIO_SUPPORT_HPP

#include "domains.hpp"

#include <wirelane_asio.hpp>

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>

#include <sys/resource.h>

#include <chrono>
#include <exception>
#include <optional>
#include <string>

namespace wlt::aio {

namespace wa = wl::asio;

// The token that turns (error_code, T) into a tuple instead of throwing.
inline constexpr auto tuple = ::asio::experimental::as_tuple(::asio::use_awaitable);

// Runs `make(executor)`'s coroutine on its own io_context until it ends,
// failing the test after `limit` (the io_context, destroyed here, closes
// whatever the coroutine still holds). Rethrows what the coroutine threw:
// a CHECK inside it fails the test with its own message.
template <class Make>
void run(const char* what, std::chrono::seconds limit, Make make) {
    ::asio::io_context io;
    bool done = false;
    std::exception_ptr error;
    ::asio::co_spawn(io, make(io.get_executor()), [&](std::exception_ptr e) {
        done = true;
        error = e;
        io.stop();  // what it spawned and left running is destroyed with io
    });
    io.run_for(limit);
    if (error) std::rethrow_exception(error);
    if (!done) throw Failure(std::string(what) + ": did not finish within " + std::to_string(limit.count()) + " s");
}

// Raises the soft RLIMIT_NOFILE to at least `want` (up to the hard limit),
// failing the test clearly when the hard limit is too low.
inline void want_descriptors(rlim_t want) {
    rlimit r{};
    if (::getrlimit(RLIMIT_NOFILE, &r) != 0) throw Failure("getrlimit(RLIMIT_NOFILE) failed");
    if (r.rlim_cur >= want) return;
    if (r.rlim_max != RLIM_INFINITY && r.rlim_max < want)
        throw Failure("RLIMIT_NOFILE hard limit is " + std::to_string(r.rlim_max) + ", this test needs " +
                      std::to_string(want) + " descriptors (raise it: ulimit -Hn)");
    r.rlim_cur = want;
    if (::setrlimit(RLIMIT_NOFILE, &r) != 0) throw Failure("setrlimit(RLIMIT_NOFILE) failed");
}

// A port on 127.0.0.1 / ::1 where nothing listens: a listener's port,
// closed again.
template <class D>
typename D::Addr dead_address() {
    Local<D> here;
    return wl::RawSocket<D, wl::Stream>::create().bind(here.addr).listen(1).local_addr();
}

}  // namespace wlt::aio

#endif
