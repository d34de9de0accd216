/*
 * wirelane_asio.hpp -- Wirelane's socket states inside standalone asio
 * (https://think-async.com; Debian: libasio-dev), with C++20 coroutines.
 * Header-only over wirelane.hpp; needs -std=c++20 and <asio.hpp>.
 *
 * STATES. One async twin per state that waits, each made from the wl::
 * object it wraps (taking ownership) and an asio executor or context:
 *
 *   wl::asio::raw_socket<D>          from wl::RawSocket<D, wl::Stream>
 *       std::move(s).async_connect(addr)  -> wl::asio::stream<D>
 *   wl::asio::listener<D>            from wl::Listener<D>
 *       async_accept()                    -> wl::asio::stream<D>
 *       async_accept_with_addr()          -> {wl::asio::stream<D>, D::Addr}
 *   wl::asio::stream<D>              from wl::ConnectedStream<D>
 *       async_read_some / async_write_some (so asio::async_read,
 *       asio::async_write and asio::async_read_until compose over it)
 *   wl::asio::datagram<D>            from wl::BoundDatagram<D>
 *       async_send_to / async_receive_from
 *   wl::asio::connected_datagram<D>  from wl::ConnectedDatagram<D>
 *       async_send / async_receive
 *
 *   asio::awaitable<void> serve(wl::asio::listener<wl::Ipv4> l) {
 *       for (;;) {
 *           wl::asio::stream<wl::Ipv4> conn = co_await l.async_accept();
 *           ...
 *       }
 *   }
 *
 * An operation exists only on the twin of a state where it is valid (no
 * async_accept on a stream, no async_send_to on a connected datagram), so
 * misuse does not compile, as with the wl:: classes.
 *
 * THE ONE TRANSITION. async_connect consumes the raw socket: it is an
 * rvalue member (an lvalue call does not compile, the message says to
 * std::move it) and completes with a wl::Transition<stream<D>,
 * raw_socket<D>>, as the wl:: try_ transitions do. On failure its error, a
 * wl::TransitionError<raw_socket<D>>, hands the socket back, reset (a
 * failed TCP connect leaves a Linux socket unusable until connect(2) with
 * AF_UNSPEC, done here) so it can connect again. That completion has no
 * separate error_code argument, so use_awaitable never throws it away.
 *
 * COMPLETION TOKENS. Every async_ member takes an asio completion token
 * (use_awaitable, a callback, asio::bind_cancellation_slot(...),
 * asio::redirect_error(...), ...). The default is the executor's default
 * completion token, or asio::use_awaitable when the executor names none
 * (asio before 1.28, e.g. Debian bookworm's 1.22), so
 * `co_await listener.async_accept()` works with any_io_executor. Errors
 * are std::error_code (asio::error_code in standalone asio): the errno in
 * std::generic_category() for what the Wirelane call reported, asio's own
 * codes (asio::error::operation_aborted, asio::error::eof,
 * asio::error::bad_descriptor) for the rest; compare with std::errc to
 * accept both categories. As in asio, a handler never runs inside the
 * initiating call: an operation that completes at once is posted.
 *
 * HOW IT WAITS. The constructor sets O_NONBLOCK on the descriptor (through
 * wl_socket_set_nonblocking; connections that async_accept yields are
 * non-blocking from birth, accept4 with SOCK_NONBLOCK, and skip that
 * fcntl) and registers it with the executor's reactor
 * (an asio::posix::stream_descriptor that never closes it). An operation
 * first tries its non-blocking Wirelane call (accept4, send, sendto,
 * recvfrom, ...: close-on-exec, MSG_NOSIGNAL, as everywhere in Wirelane);
 * on EAGAIN it waits for readiness with async_wait and tries again; EINTR
 * is retried. A stream's async_read_some is asio's own descriptor read
 * (read(2), recv(2) without flags on a socket), which the reactor runs
 * when the socket is readable without the epoll_ctl an async_wait costs.
 *
 * CANCELLATION. Each operation supports asio's per-operation
 * cancellation (cancellation slots: terminal, partial and total for the
 * data and accept operations, terminal and partial for async_connect) and
 * cancel() cancels every outstanding operation of an object. A cancelled
 * operation completes with asio::error::operation_aborted. What is lost is
 * stated per operation: only the kernel call moves data or connections,
 * and it runs only when the descriptor is ready, after which the operation
 * completes at once; so a cancelled accept, receive or send consumed or
 * queued nothing.
 *
 * OWNERSHIP. Each twin owns its wl:: object (and so the descriptor).
 * Destroying it cancels its outstanding operations, deregisters the
 * descriptor and closes it. release() (asio's name) or
 * std::move(x).into_inner() deregisters and gives the wl:: object back,
 * blocking again as the wl:: calls expect; inner() borrows it (options,
 * local_addr, shutdown). A default-made or released twin is not open: its
 * operations complete with asio::error::bad_descriptor. Moving a twin
 * while one of its operations is outstanding is not supported (as with
 * asio's own sockets, the operation refers to the object).
 *
 * THREADS. One object is used from one strand (an io_context run by one
 * thread is one); at most one read-side and one write-side operation may
 * be outstanding at a time, as with asio's sockets.
 */

#ifndef WIRELANE_ASIO_HPP
#define WIRELANE_ASIO_HPP

#if !defined(__cplusplus) || __cplusplus < 202002L
#error "wirelane_asio.hpp needs C++20 (-std=c++20): it is made for co_await"
#endif
#if !__has_include(<asio.hpp>)
#error "wirelane_asio.hpp needs standalone asio (header-only): apt-get install libasio-dev (Debian/Ubuntu; scripts/ensure-tools.sh does it), or add -I<asio>/include"
#endif

#include "wirelane.hpp"

#include <asio.hpp>

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace wl::asio {

template <class D, class Executor = ::asio::any_io_executor>
class raw_socket;
template <class D, class Executor = ::asio::any_io_executor>
class listener;
template <class D, class Executor = ::asio::any_io_executor>
class stream;
template <class D, class Executor = ::asio::any_io_executor>
class datagram;
template <class D, class Executor = ::asio::any_io_executor>
class connected_datagram;

/// What waiting for readiness can wait for: `wait_read`, `wait_write`,
/// `wait_error` (asio's `posix::descriptor_base::wait_type`).
using wait_type = ::asio::posix::descriptor_base::wait_type;

/// The completion token an `async_` member uses when given none: the
/// executor's default completion token, or `asio::use_awaitable` when the
/// executor names none (asio before 1.28).
template <class Executor>
using default_token_t =
    std::conditional_t<std::is_void_v<::asio::default_completion_token_t<Executor>>, ::asio::use_awaitable_t<Executor>,
                       ::asio::default_completion_token_t<Executor>>;

namespace detail {

template <class... T>
inline constexpr bool always_false = false;

inline bool would_block(const std::error_code& ec) noexcept {
    return ec == std::errc::resource_unavailable_try_again || ec == std::errc::operation_would_block;
}
inline bool interrupted(const std::error_code& ec) noexcept { return ec == std::errc::interrupted; }

// How a non-blocking attempt ended: done (with `ec` set or the result
// written) or would block (wait for readiness, then try again).
enum class attempt : bool { would_block, done };

// The outcome of one Wirelane call in an attempt: EINTR is retried by the
// caller's loop, EAGAIN waits, anything else is the operation's result.
template <class R>
attempt outcome(const R& r, std::error_code& ec) {
    if (r) return attempt::done;
    if (would_block(r.error())) return attempt::would_block;
    ec = r.error();
    return attempt::done;
}

// One attempt: `call()` (a non-blocking Wirelane call returning a
// wl::Result) again while it fails with EINTR, then its outcome; a success
// goes to `take`.
template <class Call, class Take>
attempt attempt_call(std::error_code& ec, Call call, Take take) {
    for (;;) {
        auto r = call();
        if (!r && interrupted(r.error())) continue;
        const attempt a = outcome(r, ec);
        if (a == attempt::done && r) take(std::move(*r));
        return a;
    }
}

// Marks a state whose descriptor was made non-blocking by the call that
// created it (`wl::try_accept(l, wl::nonblock)`: accept4 with
// SOCK_NONBLOCK), so registering it needs no fcntl.
struct born_nonblocking_t {
    explicit born_nonblocking_t() = default;
};
inline constexpr born_nonblocking_t born_nonblocking{};

// The wl:: state object a twin owns and the asio registration of its
// descriptor: an asio::posix::stream_descriptor that is always released,
// never closed (the wl:: object closes the descriptor).
template <class S, class Executor>
class registration {
public:
    using descriptor_type = ::asio::posix::basic_stream_descriptor<Executor>;

    explicit registration(const Executor& ex) : desc_(ex) {}
    // If this throws, `s` is still the caller's, open and blocking.
    registration(const Executor& ex, S&& s) : desc_(ex) {
        const int fd = s.fd();
        // A state the caller made is blocking unless told otherwise; the
        // twin sets it non-blocking, once. Accepted connections skip this
        // (born_nonblocking below).
        s.set_nonblocking(true);
        try {
            desc_.assign(fd);
        } catch (...) {
            (void)s.try_set_nonblocking(false);
            throw;
        }
        socket_.emplace(std::move(s));
    }
    // `s` is non-blocking already: no fcntl. If this throws, `s` is still
    // the caller's, open and non-blocking.
    registration(const Executor& ex, S&& s, born_nonblocking_t) : desc_(ex) {
        desc_.assign(s.fd());
        socket_.emplace(std::move(s));
    }
    // Takes over another registration of the same descriptor, now the
    // state `s` (a transition: the descriptor number does not change).
    template <class S2>
    registration(registration<S2, Executor>&& from, S&& s) noexcept
        : socket_(std::move(s)), desc_(std::move(from.desc_)) {
        from.socket_.reset();
    }
    registration(registration&& o) noexcept : socket_(std::exchange(o.socket_, std::nullopt)), desc_(std::move(o.desc_)) {}
    registration& operator=(registration&& o) noexcept {
        if (this != &o) {
            forget();
            desc_ = std::move(o.desc_);
            socket_ = std::exchange(o.socket_, std::nullopt);
        }
        return *this;
    }
    registration(const registration&) = delete;
    registration& operator=(const registration&) = delete;
    ~registration() { forget(); }

    bool is_open() const noexcept { return socket_.has_value(); }
    S* get() noexcept { return socket_ ? &*socket_ : nullptr; }
    const S& inner() const {
        if (!socket_) not_open();
        return *socket_;
    }
    S release() {
        if (!socket_) not_open();
        forget();
        (void)socket_->try_set_nonblocking(false);
        S s = std::move(*socket_);
        socket_.reset();
        return s;
    }
    // Takes the state object out, keeping the registration for a
    // transition (registration(from, s) above).
    S take() {
        S s = std::move(*socket_);
        socket_.reset();
        return s;
    }
    void put_back(S&& s) noexcept { socket_.emplace(std::move(s)); }
    descriptor_type& descriptor() noexcept { return desc_; }

private:
    template <class, class>
    friend class registration;

    // As the wl:: calls throw: the errno in the generic category.
    [[noreturn]] static void not_open() {
        throw std::system_error(std::error_code(EBADF, std::generic_category()), "wl::asio: the object is not open");
    }
    // Deregisters (cancelling outstanding waits) without closing.
    void forget() noexcept {
        if (desc_.is_open()) (void)desc_.release();
    }

    std::optional<S> socket_;
    descriptor_type desc_;
};

// One readiness-driven operation: tries `attempt` (a non-blocking
// Wirelane call), waits for `wait` readiness while it would block, and
// completes with (error_code, value). The value starts as `value` (what an
// error completes with). A handler never runs inside the initiating call.
template <class Desc, class Attempt, class T>
struct reactive_op {
    Desc* desc;
    wait_type wait;
    Attempt attempt_fn;
    T value;
    std::error_code result{};
    enum class phase { start, posted, waiting } at = phase::start;

    template <class Self>
    void operator()(Self& self, std::error_code ec = {}) {
        switch (at) {
            case phase::start:
                // Nothing happens to the socket until the kernel call, and
                // the operation completes right after it: cancelling at any
                // point before leaves no trace.
                self.reset_cancellation_state(::asio::enable_total_cancellation());
                if (desc->is_open() && attempt_fn(result, value) == attempt::would_block) {
                    at = phase::waiting;
                    desc->async_wait(wait, std::move(self));
                    return;
                }
                if (!desc->is_open()) result = ::asio::error::bad_descriptor;
                at = phase::posted;
                ::asio::post(std::move(self));
                return;
            case phase::posted:
                break;
            case phase::waiting:
                // An error (operation_aborted: cancelled, or the object was
                // destroyed) means the object may be gone: do not touch it.
                if (ec) {
                    result = ec;
                    break;
                }
                if (attempt_fn(result, value) == attempt::would_block) {
                    desc->async_wait(wait, std::move(self));
                    return;
                }
                break;
        }
        self.complete(result, std::move(value));
    }
};

template <class T, class Token, class Desc, class Attempt>
auto async_reactive(Desc& desc, wait_type wait, Attempt attempt_fn, T initial, Token&& token) {
    return ::asio::async_compose<Token, void(std::error_code, T)>(
        reactive_op<Desc, Attempt, T>{&desc, wait, std::move(attempt_fn), std::move(initial)}, token, desc);
}

// An asio buffer sequence as at most `max_iov` iovecs (asio's own limit
// per call); returns the count, sets `total` to their bytes and `more` when
// non-empty buffers were left out (a stream does the rest in a later call;
// a datagram cannot be split: an error).
inline constexpr std::size_t max_iov = 64;
template <class Buffers>
std::size_t to_iovecs(const Buffers& buffers, iovec (&iov)[max_iov], std::size_t& total, bool& more) {
    std::size_t n = 0;
    total = 0;
    more = false;
    for (auto it = ::asio::buffer_sequence_begin(buffers); it != ::asio::buffer_sequence_end(buffers); ++it) {
        const auto b = *it;
        if (b.size() == 0) continue;
        if (n == max_iov) {
            more = true;
            break;
        }
        iov[n].iov_base = const_cast<void*>(static_cast<const void*>(b.data()));  // the kernel only reads a send's
        iov[n].iov_len = b.size();
        total += b.size();
        ++n;
    }
    return n;
}

// A datagram in more buffers than one call takes.
inline bool too_many_buffers(bool stream, bool more, std::error_code& ec) {
    if (stream || !more) return false;
    ec = std::make_error_code(std::errc::invalid_argument);
    return true;
}

// Receives one datagram into a buffer sequence on a connected datagram
// state, retrying EINTR: 0 bytes is an empty datagram; more than max_iov
// buffers is EINVAL (a datagram cannot be received in two calls).
template <class S, class Buffers>
attempt recv_datagram(S& s, const Buffers& buffers, std::error_code& ec, std::size_t& n) {
    iovec iov[max_iov];
    std::size_t total = 0;
    bool more = false;
    const std::size_t count = to_iovecs(buffers, iov, total, more);
    if (too_many_buffers(false, more, ec)) return attempt::done;
    return attempt_call(
        ec,
        [&] {
            return count <= 1 ? s.try_recv(count == 0 ? nullptr : iov[0].iov_base, count == 0 ? 0 : iov[0].iov_len)
                              : s.try_recv_vectored(iov, count);
        },
        [&](std::size_t got) { n = got; });
}

// Sends from a buffer sequence on a connected state, retrying EINTR.
// `stream`: a stream (an empty write completes at once, more than max_iov
// buffers are sent in parts) or a datagram (an empty datagram is sent;
// more than max_iov buffers is EINVAL).
template <class S, class Buffers>
attempt send_some(S& s, const Buffers& buffers, bool stream, std::error_code& ec, std::size_t& n) {
    iovec iov[max_iov];
    std::size_t total = 0;
    bool more = false;
    const std::size_t count = to_iovecs(buffers, iov, total, more);
    if (too_many_buffers(stream, more, ec)) return attempt::done;
    if (stream && total == 0) {  // asio: a stream write of nothing completes at once
        n = 0;
        return attempt::done;
    }
    return attempt_call(
        ec,
        [&] {
            return count <= 1 ? s.try_send(count == 0 ? nullptr : iov[0].iov_base, count == 0 ? 0 : iov[0].iov_len)
                              : s.try_send_vectored(iov, count);
        },
        [&](std::size_t sent) { n = sent; });
}

// What accept_with_addr completes with on error: no peer.
template <class A>
A no_address() {
    if constexpr (std::is_same_v<A, SocketAddrV4>) {
        return SocketAddrV4::unspecified(0);
    } else if constexpr (std::is_same_v<A, SocketAddrV6>) {
        return SocketAddrV6::unspecified(0);
    } else {
        wl_addr a{};
        reinterpret_cast<sockaddr*>(&a.storage)->sa_family = AF_UNIX;
        a.len = static_cast<decltype(a.len)>(sizeof(sa_family_t));
        return UnixAddr::from_raw(a);  // the unnamed address
    }
}

#define WL_ASIO_CONSUMES(name)                                                                              \
    template <class... Args>                                                                                \
    auto name(Args&&...) & {                                                                                \
        static_assert(::wl::asio::detail::always_false<Args...>,                                            \
                      "wirelane: " #name "() consumes the socket (a typestate transition): call it on " \
                      "an rvalue, e.g. std::move(sock)." #name "(...)");                                  \
    }

}  // namespace detail

// ---------------------------------------------------------------------------
// What every twin has.
// ---------------------------------------------------------------------------

namespace detail {

/// The members every twin has: the executor, the borrowed wl:: object,
/// release, cancel, waiting for readiness. `S` is the wl:: state.
template <class S, class Executor>
class twin_base {
public:
    /// The executor the operations' waits run on.
    using executor_type = Executor;
    /// The wl:: state this twin wraps.
    using inner_type = S;
    /// The domain marker (`wl::Ipv4`, `wl::Ipv6`, `wl::Unix`).
    using domain_type = typename S::domain_type;
    /// The address type of the domain.
    using address_type = typename S::address_type;

    twin_base(const twin_base&) = delete;
    twin_base& operator=(const twin_base&) = delete;

    /// The executor.
    executor_type get_executor() noexcept { return reg_.descriptor().get_executor(); }
    /// Whether it owns a socket (false once released, or when made empty).
    bool is_open() const noexcept { return reg_.is_open(); }
    /// The descriptor (still owned by this object), asio's name. Throws
    /// EBADF when not open.
    int native_handle() const { return reg_.inner().fd(); }
    /// Borrows the wl:: object: options (`wl::set_tcp_nodelay(s.inner(),
    /// true)`), `local_addr()`, and its other non-transition calls. It is
    /// non-blocking while the twin owns it. Throws EBADF (std::system_error,
    /// generic category, as the wl:: calls) when not open.
    const S& inner() const { return reg_.inner(); }
    /// The local address (`getsockname(2)`).
    address_type local_addr() const { return reg_.inner().local_addr(); }
    /// Deregisters the descriptor from the executor and gives the wl::
    /// object back, blocking again; outstanding operations complete with
    /// `operation_aborted`. Throws EBADF when not open.
    [[nodiscard]] S release() { return reg_.release(); }
    /// `release()` as a typestate transition: consumes the twin.
    [[nodiscard]] S into_inner() && { return reg_.release(); }
    WL_ASIO_CONSUMES(into_inner)
    /// Cancels every outstanding operation of this object (each completes
    /// with `operation_aborted`; what that loses is stated per operation).
    void cancel() {
        if (reg_.is_open()) reg_.descriptor().cancel();
    }
    /// Waits until the descriptor is readable, writable or has an error,
    /// for a Wirelane call this header does not wrap: completes with
    /// (error_code). Cancellable; cancelling loses nothing.
    template <class Token = default_token_t<Executor>>
    auto async_wait(wait_type what, Token&& token = Token()) {
        return reg_.descriptor().async_wait(what, std::forward<Token>(token));
    }

protected:
    // One readiness-driven operation on this twin's socket (async_reactive,
    // waiting for `wait`): `attempt_fn(S&, ec, T& out)` makes one
    // non-blocking try; a twin that is not open (released, or made empty)
    // completes with bad_descriptor instead.
    template <class T, class Token, class Attempt>
    auto async_attempt(wait_type wait, T initial, Token&& token, Attempt attempt_fn) {
        auto* reg = &reg_;
        return async_reactive<T>(
            reg->descriptor(), wait,
            [reg, attempt_fn = std::move(attempt_fn)](std::error_code& ec, T& out) {
                S* s = reg->get();
                if (s == nullptr) {
                    ec = ::asio::error::bad_descriptor;
                    return attempt::done;
                }
                return attempt_fn(*s, ec, out);
            },
            std::move(initial), std::forward<Token>(token));
    }

    explicit twin_base(const Executor& ex) : reg_(ex) {}
    twin_base(const Executor& ex, S&& s) : reg_(ex, std::move(s)) {}
    twin_base(const Executor& ex, S&& s, born_nonblocking_t t) : reg_(ex, std::move(s), t) {}
    template <class S2>
    twin_base(registration<S2, Executor>&& from, S&& s) noexcept : reg_(std::move(from), std::move(s)) {}
    twin_base(twin_base&&) noexcept = default;
    twin_base& operator=(twin_base&&) noexcept = default;
    ~twin_base() = default;

    registration<S, Executor> reg_;
};

template <class Ctx, class Executor>
using if_context =
    std::enable_if_t<std::is_convertible_v<Ctx&, ::asio::execution_context&> &&
                         std::is_constructible_v<Executor, decltype(std::declval<Ctx&>().get_executor())>,
                     int>;

}  // namespace detail

// ---------------------------------------------------------------------------
// The twins.
// ---------------------------------------------------------------------------

/// The async twin of `wl::ConnectedStream<D>`: a TCP (IPv4, IPv6) or Unix
/// stream. `async_read_some` / `async_write_some` make it an asio
/// AsyncReadStream and AsyncWriteStream, so `asio::async_read`,
/// `asio::async_write` and `asio::async_read_until` compose over it.
template <class D, class Executor>
class stream : public detail::twin_base<ConnectedStream<D>, Executor> {
    using Base = detail::twin_base<ConnectedStream<D>, Executor>;

public:
    /// Not open: its operations complete with `bad_descriptor` (what an
    /// accept that failed completes with).
    explicit stream(const Executor& ex) : Base(ex) {}
    /// Takes `s`, makes it non-blocking and registers it with `ex`'s
    /// reactor. If this throws, `s` stays the caller's (and blocking).
    stream(const Executor& ex, ConnectedStream<D>&& s) : Base(ex, std::move(s)) {}
    /// Takes `s`, already non-blocking from birth (`wl::try_accept(l,
    /// wl::nonblock)`, `wl::stream_pair(wl::nonblock)`), and registers it
    /// without an `fcntl`. If this throws, `s` stays the caller's.
    stream(const Executor& ex, ConnectedStream<D>&& s, detail::born_nonblocking_t t) : Base(ex, std::move(s), t) {}
    /// Takes `s`, on `ctx`'s executor (an `asio::io_context`, ...).
    template <class Ctx, detail::if_context<Ctx, Executor> = 0>
    stream(Ctx& ctx, ConnectedStream<D>&& s) : Base(Executor(ctx.get_executor()), std::move(s)) {}
    /// Moves the socket and its registration (no operation may be outstanding).
    stream(stream&&) noexcept = default;
    /// Closes this socket, then takes the other's.
    stream& operator=(stream&&) noexcept = default;

    /// Reads some bytes into `buffers` (an asio MutableBufferSequence),
    /// waiting until some arrive: completes with (error_code, bytes). End
    /// of stream is `asio::error::eof` with 0 bytes; an empty buffer
    /// completes at once with 0. Cancel-safe (terminal, partial, total): a
    /// cancelled read consumed nothing (the data stays queued).
    ///
    /// This is asio's own descriptor read (`read(2)`/`readv(2)`, which on
    /// a socket is `recv(2)` without flags), run by the reactor when the
    /// socket is readable: a wait of our own would cost an extra
    /// `epoll_ctl` per read (benches/asio). Writes go through Wirelane's
    /// send (`MSG_NOSIGNAL`), which asio's descriptor write lacks.
    template <class MutableBuffers, class Token = default_token_t<Executor>>
    auto async_read_some(const MutableBuffers& buffers, Token&& token = Token()) {
        return this->reg_.descriptor().async_read_some(buffers, std::forward<Token>(token));
    }
    /// Writes some bytes of `buffers` (an asio ConstBufferSequence;
    /// `send(2)` or `sendmsg(2)` with `MSG_NOSIGNAL`: EPIPE, never
    /// SIGPIPE), waiting until the socket takes some: completes with
    /// (error_code, bytes), possibly fewer than given; an empty buffer
    /// completes at once with 0. Cancel-safe: a cancelled write sent nothing.
    template <class ConstBuffers, class Token = default_token_t<Executor>>
    auto async_write_some(const ConstBuffers& buffers, Token&& token = Token()) {
        return this->async_attempt(wait_type::wait_write, std::size_t{0}, std::forward<Token>(token),
                                   [buffers](ConnectedStream<D>& s, std::error_code& ec, std::size_t& n) {
                                       return detail::send_some(s, buffers, true, ec, n);
                                   });
    }
    /// The peer's address (`getpeername(2)`).
    typename D::Addr peer_addr() const { return this->inner().peer_addr(); }
    /// Shuts down one or both directions (`shutdown(2)`): after
    /// `Shutdown::Write` the peer reads end of stream.
    void shutdown(Shutdown how) const { this->inner().shutdown(how); }

private:
    template <class, class>
    friend class raw_socket;
    template <class S2>
    stream(detail::registration<S2, Executor>&& from, ConnectedStream<D>&& s) noexcept
        : Base(std::move(from), std::move(s)) {}
};

/// The async twin of `wl::Listener<D>`: accepts connections as
/// `wl::asio::stream<D>` on the same executor.
template <class D, class Executor>
class listener : public detail::twin_base<Listener<D>, Executor> {
    using Base = detail::twin_base<Listener<D>, Executor>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Not open: its operations complete with `bad_descriptor`.
    explicit listener(const Executor& ex) : Base(ex) {}
    /// Takes `l`, makes it non-blocking and registers it with `ex`'s
    /// reactor. If this throws, `l` stays the caller's (and blocking).
    listener(const Executor& ex, Listener<D>&& l) : Base(ex, std::move(l)) {}
    /// Takes `l`, on `ctx`'s executor.
    template <class Ctx, detail::if_context<Ctx, Executor> = 0>
    listener(Ctx& ctx, Listener<D>&& l) : Base(Executor(ctx.get_executor()), std::move(l)) {}
    /// Moves the socket and its registration (no operation may be outstanding).
    listener(listener&&) noexcept = default;
    /// Closes this socket, then takes the other's.
    listener& operator=(listener&&) noexcept = default;

    /// Accepts one connection (`accept4(2)`, close-on-exec), waiting until
    /// one is pending: completes with (error_code, stream<D>), the stream
    /// non-blocking and registered on this listener's executor (on error:
    /// a stream that is not open). Cancel-safe: a cancelled accept took no
    /// connection off the queue.
    template <class Token = default_token_t<Executor>>
    auto async_accept(Token&& token = Token()) {
        const Executor ex = this->get_executor();
        return this->async_attempt(wait_type::wait_read, stream<D, Executor>(ex), std::forward<Token>(token),
                                   [ex](Listener<D>& l, std::error_code& ec, stream<D, Executor>& out) {
                                       return accept_into(l, ec, [&](ConnectedStream<D>&& c, const Addr&) {
                                           out = stream<D, Executor>(ex, std::move(c), detail::born_nonblocking);
                                       });
                                   });
    }
    /// Accepts one connection with the client's address: completes with
    /// (error_code, std::pair<stream<D>, Addr>), so
    /// `auto [conn, peer] = co_await l.async_accept_with_addr();` (on
    /// error: a stream that is not open and the unspecified or unnamed
    /// address). Cancel-safe, as `async_accept`.
    template <class Token = default_token_t<Executor>>
    auto async_accept_with_addr(Token&& token = Token()) {
        const Executor ex = this->get_executor();
        using Pair = std::pair<stream<D, Executor>, Addr>;
        return this->async_attempt(wait_type::wait_read, Pair(stream<D, Executor>(ex), detail::no_address<Addr>()),
                                   std::forward<Token>(token), [ex](Listener<D>& l, std::error_code& ec, Pair& out) {
                                       return accept_into(l, ec, [&](ConnectedStream<D>&& c, const Addr& peer) {
                                           out = Pair(stream<D, Executor>(ex, std::move(c), detail::born_nonblocking),
                                                      peer);
                                       });
                                   });
    }

private:
    // One accept attempt; `give` wraps the connection (registering it may
    // throw: then the connection is closed and the error reported).
    template <class Give>
    static detail::attempt accept_into(Listener<D>& l, std::error_code& ec, Give give) {
        return detail::attempt_call(
            ec,
            // Non-blocking from birth (accept4 with SOCK_NONBLOCK): the
            // stream registers it without an fcntl.
            [&] { return ::wl::try_accept(l, ::wl::nonblock); },
            [&](std::pair<ConnectedStream<D>, Addr>&& accepted) {
                try {
                    give(std::move(accepted.first), accepted.second);
                } catch (const std::system_error& e) {
                    ec = e.code();
                }
            });
    }
};

/// The async twin of `wl::RawSocket<D, wl::Stream>`: a stream socket that
/// is not connected yet. Its one operation, `async_connect`, consumes it.
template <class D, class Executor>
class raw_socket : public detail::twin_base<RawSocket<D, Stream>, Executor> {
    using Base = detail::twin_base<RawSocket<D, Stream>, Executor>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;
    /// What `async_connect` completes with: the connected stream, or the
    /// error and this socket.
    using connect_result = Transition<stream<D, Executor>, raw_socket>;

    /// Not open.
    explicit raw_socket(const Executor& ex) : Base(ex) {}
    /// Takes `s`, makes it non-blocking and registers it with `ex`'s
    /// reactor. If this throws, `s` stays the caller's (and blocking).
    raw_socket(const Executor& ex, RawSocket<D, Stream>&& s) : Base(ex, std::move(s)) {}
    /// Takes `s`, on `ctx`'s executor.
    template <class Ctx, detail::if_context<Ctx, Executor> = 0>
    raw_socket(Ctx& ctx, RawSocket<D, Stream>&& s) : Base(Executor(ctx.get_executor()), std::move(s)) {}
    /// Moves the socket and its registration (no operation may be outstanding).
    raw_socket(raw_socket&&) noexcept = default;
    /// Closes this socket, then takes the other's.
    raw_socket& operator=(raw_socket&&) noexcept = default;

    /// Connects to `peer` without blocking the executor (a non-blocking
    /// `connect(2)` through `wl_raw_connect`, then a wait for writability
    /// and `SO_ERROR`). Consumes the socket: call it on an rvalue. Completes
    /// with one `connect_result`: the connected `stream<D>` (same
    /// descriptor, same registration), or a `TransitionError` whose
    /// `into_socket()` gives this socket back (ECONNREFUSED, ETIMEDOUT,
    /// ENETUNREACH, EAGAIN for a Unix listener whose queue is full,
    /// `operation_aborted` when cancelled, ...). A TCP socket handed back
    /// was reset (`connect(2)` with `AF_UNSPEC`), so it can connect again.
    /// Cancelling (terminal or partial) aborts the handshake and hands the
    /// reset socket back; the peer may have seen a connection start and end.
    template <class Token = default_token_t<Executor>>
    auto async_connect(const Addr& peer, Token&& token = Token()) && {
        const Executor ex = this->get_executor();  // before *this is moved from
        connect_op op{std::make_unique<raw_socket>(std::move(*this)), peer};
        return ::asio::async_compose<Token, void(connect_result)>(std::move(op), token, ex);
    }
    WL_ASIO_CONSUMES(async_connect)
    /// An address of another family: does not compile.
    template <class A, class... Rest, std::enable_if_t<!std::is_same_v<std::decay_t<A>, Addr>, int> = 0>
    void async_connect(const A&, Rest&&...) && {
        static_assert(detail::always_false<A>,
                      "wirelane: async_connect() takes the socket domain's address type D::Addr (SocketAddrV4 for "
                      "Ipv4, SocketAddrV6 for Ipv6, UnixAddr for Unix): this address is of another family");
    }

private:
    // The socket lives on the heap while the operation runs: the op is
    // moved between waits, the registration it waits on must not be.
    struct connect_op {
        std::unique_ptr<raw_socket> sock;
        Addr peer;
        std::optional<connect_result> result{};
        enum class phase { start, posted, waiting } at = phase::start;

        template <class Self>
        void operator()(Self& self, std::error_code ec = {}) {
            switch (at) {
                case phase::start:
                    self.reset_cancellation_state(::asio::enable_partial_cancellation());
                    begin();
                    if (!result) {
                        at = phase::waiting;
                        sock->reg_.descriptor().async_wait(wait_type::wait_write, std::move(self));
                        return;
                    }
                    at = phase::posted;
                    ::asio::post(std::move(self));
                    return;
                case phase::posted:
                    break;
                case phase::waiting:
                    resolve(ec);
                    if (!result) {
                        sock->reg_.descriptor().async_wait(wait_type::wait_write, std::move(self));
                        return;
                    }
                    break;
            }
            self.complete(std::move(*result));
        }

        void begin() {
            if (!sock->is_open()) return fail(::asio::error::bad_descriptor, "wl::asio::raw_socket::async_connect: not open");
            // The fd is O_NONBLOCK: wl_raw_connect returns EINPROGRESS and
            // keeps the socket, or completes at once (Unix), or fails.
            auto t = sock->reg_.take().try_connect(peer);
            if (t) return succeed(std::move(*t));
            std::string message = t.error().message();
            auto [code, raw] = std::move(t).error().into_parts();
            sock->reg_.put_back(std::move(raw));
            if (code == std::errc::operation_in_progress || code == std::errc::interrupted) return;  // wait
            fail(code, std::move(message));
        }

        void resolve(std::error_code ec) {
            if (ec) return fail(ec, "wl::asio::raw_socket::async_connect: " + ec.message());
            auto* raw = sock->reg_.get();
            if (raw == nullptr) return fail(::asio::error::bad_descriptor, "wl::asio::raw_socket::async_connect: not open");
            const auto err = raw->try_take_error();
            if (!err) return fail(err.error(), "wl::asio::raw_socket::async_connect: SO_ERROR: " + err.error().message());
            if (*err) return fail(*err, "wl::asio::raw_socket::async_connect: " + err->message());
            sockaddr_storage ss{};
            socklen_t len = sizeof ss;
            if (::getpeername(raw->fd(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
                if (errno == ENOTCONN) return;  // not resolved yet: wait again
                const std::error_code e(errno, std::generic_category());
                return fail(e, "wl::asio::raw_socket::async_connect: getpeername: " + e.message());
            }
            // Connected: the descriptor becomes a wl::ConnectedStream (the
            // library checks it is one), keeping its registration.
            const int fd = sock->reg_.take().into_fd();
            auto conn = ConnectedStream<D>::try_from_fd(fd);
            if (!conn) {  // out of memory only: the socket is gone, say so
                ::close(fd);
                return fail(conn.error(), "wl::asio::raw_socket::async_connect: wl_conn_from_fd: " +
                                              conn.error().message() + " (the socket was closed)");
            }
            succeed(std::move(*conn));
        }

        void succeed(ConnectedStream<D>&& c) {
            result.emplace(stream<D, Executor>(std::move(sock->reg_), std::move(c)));
        }

        // Resets a TCP socket whose connect started (a failed connect
        // leaves it unusable until AF_UNSPEC) and hands it back.
        void fail(std::error_code code, std::string message) {
            if constexpr (!std::is_same_v<D, Unix>) {
                if (auto* raw = sock->reg_.get()) {
                    sockaddr unspec{};
                    unspec.sa_family = AF_UNSPEC;
                    (void)::connect(raw->fd(), &unspec, sizeof unspec);
                }
            }
            result.emplace(unexpected<TransitionError<raw_socket>>(
                TransitionError<raw_socket>(code, std::move(message), std::move(*sock))));
        }
    };
};

/// The async twin of `wl::BoundDatagram<D>`: a UDP (IPv4, IPv6) or Unix
/// datagram socket that sends to and receives from anyone. One buffer per
/// datagram.
template <class D, class Executor>
class datagram : public detail::twin_base<BoundDatagram<D>, Executor> {
    using Base = detail::twin_base<BoundDatagram<D>, Executor>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Not open: its operations complete with `bad_descriptor`.
    explicit datagram(const Executor& ex) : Base(ex) {}
    /// Takes `s`, makes it non-blocking and registers it with `ex`'s
    /// reactor. If this throws, `s` stays the caller's (and blocking).
    datagram(const Executor& ex, BoundDatagram<D>&& s) : Base(ex, std::move(s)) {}
    /// Takes `s`, on `ctx`'s executor.
    template <class Ctx, detail::if_context<Ctx, Executor> = 0>
    datagram(Ctx& ctx, BoundDatagram<D>&& s) : Base(Executor(ctx.get_executor()), std::move(s)) {}
    /// Moves the socket and its registration (no operation may be outstanding).
    datagram(datagram&&) noexcept = default;
    /// Closes this socket, then takes the other's.
    datagram& operator=(datagram&&) noexcept = default;

    /// Sends `buffer` as one datagram to `to` (`sendto(2)`,
    /// `MSG_NOSIGNAL`), waiting while the send queue is full: completes
    /// with (error_code, bytes). EMSGSIZE when too large. Cancel-safe: a
    /// cancelled send sent nothing.
    template <class Token = default_token_t<Executor>>
    auto async_send_to(::asio::const_buffer buffer, const Addr& to, Token&& token = Token()) {
        return this->async_attempt(
            wait_type::wait_write, std::size_t{0}, std::forward<Token>(token),
            [buffer, to](BoundDatagram<D>& s, std::error_code& ec, std::size_t& n) {
                return detail::attempt_call(
                    ec, [&] { return s.try_send_to(buffer.data(), buffer.size(), to); },
                    [&](std::size_t sent) { n = sent; });
            });
    }
    /// Receives one datagram into `buffer` (`recvfrom(2)`; a longer one is
    /// truncated), waiting until one arrives: completes with (error_code,
    /// bytes) and writes its sender to `sender`, which must live until the
    /// operation completes. A datagram of length 0 completes with 0.
    /// Cancel-safe: a cancelled receive dequeued nothing.
    template <class Token = default_token_t<Executor>>
    auto async_receive_from(::asio::mutable_buffer buffer, Addr& sender, Token&& token = Token()) {
        return this->async_attempt(
            wait_type::wait_read, std::size_t{0}, std::forward<Token>(token),
            [buffer, from = &sender](BoundDatagram<D>& s, std::error_code& ec, std::size_t& n) {
                return detail::attempt_call(
                    ec, [&] { return s.try_recv_from(buffer.data(), buffer.size()); },
                    [&](std::pair<std::size_t, Addr>&& got) {
                        n = got.first;
                        *from = got.second;
                    });
            });
    }
};

/// The async twin of `wl::ConnectedDatagram<D>`: a datagram socket with
/// one peer.
template <class D, class Executor>
class connected_datagram : public detail::twin_base<ConnectedDatagram<D>, Executor> {
    using Base = detail::twin_base<ConnectedDatagram<D>, Executor>;

public:
    /// Not open: its operations complete with `bad_descriptor`.
    explicit connected_datagram(const Executor& ex) : Base(ex) {}
    /// Takes `s`, makes it non-blocking and registers it with `ex`'s
    /// reactor. If this throws, `s` stays the caller's (and blocking).
    connected_datagram(const Executor& ex, ConnectedDatagram<D>&& s) : Base(ex, std::move(s)) {}
    /// Takes `s`, on `ctx`'s executor.
    template <class Ctx, detail::if_context<Ctx, Executor> = 0>
    connected_datagram(Ctx& ctx, ConnectedDatagram<D>&& s) : Base(Executor(ctx.get_executor()), std::move(s)) {}
    /// Moves the socket and its registration (no operation may be outstanding).
    connected_datagram(connected_datagram&&) noexcept = default;
    /// Closes this socket, then takes the other's.
    connected_datagram& operator=(connected_datagram&&) noexcept = default;

    /// Sends `buffers` (an asio ConstBufferSequence, gathered) as one
    /// datagram to the peer (`send(2)`/`sendmsg(2)`, `MSG_NOSIGNAL`),
    /// waiting while the send queue is full: completes with (error_code,
    /// bytes). ECONNREFUSED when an earlier datagram was refused; EINVAL
    /// for more than 64 non-empty buffers.
    /// Cancel-safe: a cancelled send sent nothing.
    template <class ConstBuffers, class Token = default_token_t<Executor>>
    auto async_send(const ConstBuffers& buffers, Token&& token = Token()) {
        return this->async_attempt(wait_type::wait_write, std::size_t{0}, std::forward<Token>(token),
                                   [buffers](ConnectedDatagram<D>& s, std::error_code& ec, std::size_t& n) {
                                       return detail::send_some(s, buffers, false, ec, n);
                                   });
    }
    /// Receives one datagram from the peer into `buffers` (an asio
    /// MutableBufferSequence, scattered; truncated if longer), waiting
    /// until one arrives: completes with (error_code, bytes); EINVAL for
    /// more than 64 non-empty buffers. A datagram of length 0 completes
    /// with 0. Cancel-safe: a cancelled receive dequeued nothing.
    template <class MutableBuffers, class Token = default_token_t<Executor>>
    auto async_receive(const MutableBuffers& buffers, Token&& token = Token()) {
        return this->async_attempt(wait_type::wait_read, std::size_t{0}, std::forward<Token>(token),
                                   [buffers](ConnectedDatagram<D>& s, std::error_code& ec, std::size_t& n) {
                                       return detail::recv_datagram(s, buffers, ec, n);
                                   });
    }
    /// The peer's address (`getpeername(2)`).
    typename D::Addr peer_addr() const { return this->inner().peer_addr(); }
};

#undef WL_ASIO_CONSUMES

}  // namespace wl::asio

#endif
