/*
 * wirelane.hpp -- the C++ face of Wirelane: the socket state machine,
 * enforced by the C++ compiler. Header-only, over the C ABI (wirelane.h);
 * link the same library (-lwirelane). C++17 or later.
 *
 * STATES. One move-only class per kernel socket state, templated on the
 * domain (wl::Ipv4, wl::Ipv6, wl::Unix) like the Rust crate:
 *
 *   RawSocket<D, Stream>   --bind-->               BoundSocket<D, Stream>
 *                          --connect-->            ConnectedStream<D>
 *                          --connect_nonblocking-> PendingConnect<D>
 *   BoundSocket<D, Stream> --listen-->             Listener<D>
 *   Listener<D>            accept() (borrows)  ->  ConnectedStream<D>
 *   PendingConnect<D>      --finish-->             ConnectedStream<D>
 *   RawSocket<D, Datagram> --bind-->               BoundDatagram<D>
 *                          --connect-->            ConnectedDatagram<D>
 *   BoundDatagram<D>       --connect-->            ConnectedDatagram<D>
 *
 * A method a state lacks does not exist on its class (there is no accept()
 * on a RawSocket). A transition is an rvalue-qualified [[nodiscard]] member:
 *
 *   auto listener = wl::tcp4().bind(wl::SocketAddrV4::localhost(0)).listen(128);
 *   auto bound = std::move(raw).bind(addr);   // raw is consumed
 *
 * Calling a transition on an lvalue does not compile (the message says to
 * std::move it), and a later use of the moved-from object is flagged by
 * clang-tidy's bugprone-use-after-move. Every transition takes D::Addr
 * (SocketAddrV4 for Ipv4, SocketAddrV6 for Ipv6, UnixAddr for Unix), so an
 * address of the wrong family does not compile either.
 *
 * ERRORS. Each fallible call comes twice:
 *   - name(...)      throws std::system_error whose code() is the errno in
 *                    std::generic_category() and whose what() carries the
 *                    library's detailed message (wl_last_error_message);
 *   - try_name(...)  does not throw on socket errors: it returns
 *                    wl::Result<T>, an expected<T, std::error_code>
 *                    (std::expected when the library has it, a small
 *                    compatible fallback otherwise). They may still throw
 *                    std::bad_alloc.
 * A transition that fails leaves the socket alive, as in C (the C function
 * consumes its input only on success): the throwing form leaves the
 * original object untouched (strong guarantee), and the try_ form returns
 * wl::Transition<To, From> whose error, a wl::TransitionError<From>, hands
 * the socket back (into_socket(), into_parts()).
 *
 * OWNERSHIP. Each object owns one C handle and frees it (closing the
 * descriptor) in its destructor. fd() borrows the descriptor for an event
 * loop; into_fd() && gives it up. A moved-from object owns nothing: using
 * it is a bug (clang-tidy flags it); its calls fail with EINVAL, never UB.
 *
 * BEYOND THE STATES. Socket options are free functions over any socket
 * object, OwnedFd or descriptor (wl::set_tcp_nodelay(conn, true)); the
 * builders (ListenerBuilder<D>, ConnectorBuilder<D>, DatagramBuilder<D>)
 * take the config values ReuseConfig, BufferConfig, KeepaliveConfig and
 * TcpConfig; wl::batch has SendBatch/RecvBatch (sendmmsg/recvmmsg) and the
 * GSO/GRO options; wl::fdpass passes descriptors and credentials over Unix
 * sockets; wl::zerocopy has Pipe, splice, tee and SO_ZEROCOPY (sendfile,
 * send_zerocopy, send_all and recv_until are ConnectedStream members);
 * wl::stream_ext has wait, errno_name and is_transient. What a domain
 * lacks does not compile: no reuse() on a Unix builder, no fd passing over
 * TCP, no GSO on Unix datagrams.
 *
 * THREADS, SIGNALS. As in C: borrowing calls (send, recv, accept, options)
 * may run concurrently on one object; transitions and destruction need
 * exclusive use. Sends use MSG_NOSIGNAL (EPIPE, never SIGPIPE); blocking
 * calls report EINTR instead of retrying.
 */

#ifndef WIRELANE_HPP
#define WIRELANE_HPP

#if !defined(__cplusplus) || __cplusplus < 201703L
#error "wirelane.hpp needs C++17 or later (-std=c++17); C code includes wirelane.h"
#endif

#include "wirelane.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#if __has_include(<version>)
#include <version>
#endif
#if defined(__cpp_lib_expected) && __cpp_lib_expected >= 202202L
#include <expected>
#define WL_HPP_STD_EXPECTED 1
#else
#define WL_HPP_STD_EXPECTED 0
#endif
#if defined(__cpp_lib_span) && __cpp_lib_span >= 202002L
#include <span>
#define WL_HPP_HAS_SPAN 1
#else
#define WL_HPP_HAS_SPAN 0
#endif

namespace wl {

// send_all's cancel flag is read by the library as a C11 atomic_bool.
static_assert(sizeof(std::atomic<bool>) == sizeof(bool) && std::atomic<bool>::is_always_lock_free,
              "wirelane: std::atomic<bool> must match C11 atomic_bool");

// ---------------------------------------------------------------------------
// expected: std::expected when available, a compatible subset otherwise.
// ---------------------------------------------------------------------------

#if WL_HPP_STD_EXPECTED
using std::bad_expected_access;
using std::expected;
using std::unexpected;
#else
/// The error half of an `expected` (the C++23 `std::unexpected` subset).
template <class E>
class unexpected {
public:
    /// Wraps an error value.
    constexpr explicit unexpected(const E& e) : e_(e) {}
    /// Wraps an error value.
    constexpr explicit unexpected(E&& e) : e_(std::move(e)) {}
    /// The error.
    constexpr const E& error() const& noexcept { return e_; }
    /// The error.
    constexpr E& error() & noexcept { return e_; }
    /// The error, moved out.
    constexpr E&& error() && noexcept { return std::move(e_); }

private:
    E e_;
};
template <class E>
unexpected(E) -> unexpected<E>;

/// Thrown by `expected::value()` when it holds an error.
template <class E>
class bad_expected_access : public std::exception {
public:
    /// Holds the error that was there instead of a value.
    explicit bad_expected_access(E e) : e_(std::move(e)) {}
    /// A fixed description.
    const char* what() const noexcept override { return "bad access to wl::expected without expected value"; }
    /// The error.
    const E& error() const& noexcept { return e_; }
    /// The error, moved out.
    E&& error() && noexcept { return std::move(e_); }

private:
    E e_;
};

/// A value of type `T` or an error of type `E` (the C++23 `std::expected`
/// subset Wirelane uses: `has_value`, `operator bool`, `*`, `->`,
/// `value`, `error`, `value_or`).
template <class T, class E>
class [[nodiscard]] expected {
    template <class U>
    using plain = std::remove_cv_t<std::remove_reference_t<U>>;

public:
    /// The value type.
    using value_type = T;
    /// The error type.
    using error_type = E;

    /// Holds a value.
    template <class U = T,
              std::enable_if_t<std::is_constructible_v<T, U&&> && !std::is_same_v<plain<U>, expected> &&
                                   !std::is_same_v<plain<U>, unexpected<E>> &&
                                   !std::is_same_v<plain<U>, std::in_place_t>,
                               int> = 0>
    constexpr expected(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
    /// Holds an error.
    template <class G>
    constexpr expected(const unexpected<G>& u) : v_(std::in_place_index<1>, u.error()) {}
    /// Holds an error.
    template <class G>
    constexpr expected(unexpected<G>&& u) : v_(std::in_place_index<1>, std::move(u).error()) {}

    /// Whether it holds a value.
    constexpr bool has_value() const noexcept { return v_.index() == 0; }
    /// Whether it holds a value.
    constexpr explicit operator bool() const noexcept { return has_value(); }

    /// The value; throws `bad_expected_access<E>` if it holds an error.
    constexpr T& value() & {
        if (!has_value()) throw bad_expected_access<E>(std::get<1>(v_));
        return std::get<0>(v_);
    }
    /// The value; throws `bad_expected_access<E>` if it holds an error.
    constexpr const T& value() const& {
        if (!has_value()) throw bad_expected_access<E>(std::get<1>(v_));
        return std::get<0>(v_);
    }
    /// The value, moved out; throws `bad_expected_access<E>` if it holds an error.
    constexpr T&& value() && {
        if (!has_value()) throw bad_expected_access<E>(std::move(std::get<1>(v_)));
        return std::move(std::get<0>(v_));
    }
    /// The error (precondition: `!has_value()`).
    constexpr E& error() & noexcept { return *std::get_if<1>(&v_); }
    /// The error (precondition: `!has_value()`).
    constexpr const E& error() const& noexcept { return *std::get_if<1>(&v_); }
    /// The error, moved out (precondition: `!has_value()`).
    constexpr E&& error() && noexcept { return std::move(*std::get_if<1>(&v_)); }
    /// The value (precondition: `has_value()`).
    constexpr T& operator*() & noexcept { return *std::get_if<0>(&v_); }
    /// The value (precondition: `has_value()`).
    constexpr const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
    /// The value, moved out (precondition: `has_value()`).
    constexpr T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
    /// Member access to the value (precondition: `has_value()`).
    constexpr T* operator->() noexcept { return std::get_if<0>(&v_); }
    /// Member access to the value (precondition: `has_value()`).
    constexpr const T* operator->() const noexcept { return std::get_if<0>(&v_); }
    /// The value, or `fallback` if it holds an error.
    template <class U>
    constexpr T value_or(U&& fallback) const& {
        return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
    }
    /// The value (moved out), or `fallback` if it holds an error.
    template <class U>
    constexpr T value_or(U&& fallback) && {
        return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, E> v_;
};

/// Success without a value, or an error of type `E`.
template <class E>
class [[nodiscard]] expected<void, E> {
public:
    /// The value type.
    using value_type = void;
    /// The error type.
    using error_type = E;

    /// Success.
    constexpr expected() noexcept {}
    /// Holds an error.
    template <class G>
    constexpr expected(const unexpected<G>& u) : e_(u.error()) {}
    /// Holds an error.
    template <class G>
    constexpr expected(unexpected<G>&& u) : e_(std::move(u).error()) {}

    /// Whether it succeeded.
    constexpr bool has_value() const noexcept { return !e_.has_value(); }
    /// Whether it succeeded.
    constexpr explicit operator bool() const noexcept { return has_value(); }
    /// Throws `bad_expected_access<E>` if it holds an error.
    constexpr void value() const& {
        if (e_) throw bad_expected_access<E>(*e_);
    }
    /// Throws `bad_expected_access<E>` if it holds an error.
    constexpr void value() && {
        if (e_) throw bad_expected_access<E>(std::move(*e_));
    }
    /// Nothing (precondition: `has_value()`).
    constexpr void operator*() const noexcept {}
    /// The error (precondition: `!has_value()`).
    constexpr E& error() & noexcept { return *e_; }
    /// The error (precondition: `!has_value()`).
    constexpr const E& error() const& noexcept { return *e_; }
    /// The error, moved out (precondition: `!has_value()`).
    constexpr E&& error() && noexcept { return std::move(*e_); }

private:
    std::optional<E> e_;
};
#endif

/// The result of a non-throwing `try_` call: a `T`, or the errno as a
/// `std::error_code` in `std::generic_category()` (compare it with
/// `std::errc::...`; `wl::last_error_message()` right after the call gives
/// the library's detailed message).
template <class T>
using Result = expected<T, std::error_code>;

// ---------------------------------------------------------------------------
// Library information and errors.
// ---------------------------------------------------------------------------

/// The version of the loaded library, e.g. "0.1.0" (compare with
/// `WIRELANE_VERSION` to detect a header/library mismatch).
inline std::string_view version() noexcept { return wl_version(); }

/// This thread's last error message from the library, naming the failing C
/// function and the problem (empty if nothing has failed on this thread).
/// Successful calls leave it unchanged: read it right after a failure.
inline std::string last_error_message() {
    char small[256];
    const int n = wl_last_error_message(small, sizeof small);
    if (n <= 0) return {};
    if (static_cast<std::size_t>(n) < sizeof small) return std::string(small, static_cast<std::size_t>(n));
    std::string msg(static_cast<std::size_t>(n) + 1, '\0');
    const int m = wl_last_error_message(msg.data(), msg.size());
    msg.resize(m < 0 ? 0 : std::min(static_cast<std::size_t>(m), static_cast<std::size_t>(n)));
    return msg;
}

/// How a stream is shut down (`shutdown(2)`).
enum class Shutdown : int {
    Read = SHUT_RD,   ///< No more receives; pending data is discarded.
    Write = SHUT_WR,  ///< No more sends; the peer reads end-of-stream.
    Both = SHUT_RDWR  ///< Both directions.
};

/// Credentials of a Unix peer at connect time (`SO_PEERCRED`, see `unix(7)`).
using UCred = wl_ucred;

namespace detail {

template <class... T>
inline constexpr bool always_false = false;

inline std::error_code code_of(long rc) noexcept { return {static_cast<int>(-rc), std::generic_category()}; }

// The C message is "wl_fn: problem"; for plain kernel errors the problem is
// strerror's text, which std::system_error appends again: drop the copy.
inline std::string what_of(const std::error_code& ec, std::string msg, const char* fallback) {
    if (msg.empty()) return fallback;
    const std::string tail = ": " + ec.message();
    if (msg.size() > tail.size() && msg.compare(msg.size() - tail.size(), tail.size(), tail) == 0)
        msg.resize(msg.size() - tail.size());
    return msg;
}

[[noreturn]] inline void throw_error(std::error_code ec, const std::string& what) { throw std::system_error(ec, what); }

// Throws for a failed C call (rc = -errno), with the library's message.
[[noreturn]] inline void throw_last(long rc, const char* fallback) {
    const std::error_code ec = code_of(rc);
    throw_error(ec, what_of(ec, last_error_message(), fallback));
}

inline int check(int rc, const char* fallback) {
    if (rc < 0) throw_last(rc, fallback);
    return rc;
}

inline std::size_t check_size(ssize_t rc, const char* fallback) {
    if (rc < 0) throw_last(rc, fallback);
    return static_cast<std::size_t>(rc);
}

inline unexpected<std::error_code> fail(long rc) noexcept { return unexpected<std::error_code>(code_of(rc)); }

inline Result<void> void_result(int rc) noexcept {
    if (rc < 0) return fail(rc);
    return {};
}

inline Result<std::size_t> size_result(ssize_t rc) noexcept {
    if (rc < 0) return fail(rc);
    return static_cast<std::size_t>(rc);
}

// A NUL-terminated copy of `text` for the C functions, without allocating.
// Fails for text that is too long or holds a NUL byte (C would silently
// stop there).
struct CText {
    char buf[WL_ADDR_STRLEN];
    int err = 0;
    const char* problem = nullptr;
    explicit CText(std::string_view text) noexcept {
        if (text.size() >= sizeof buf) {
            err = ENAMETOOLONG;
            problem = "text is too long for a socket address";
        } else if (text.find('\0') != std::string_view::npos) {
            err = EINVAL;
            problem = "text contains a NUL byte";
        } else {
            std::memcpy(buf, text.data(), text.size());
            buf[text.size()] = '\0';
        }
    }
};

// Converts a timeout for the C ABI, where 0 means "none": a zero or
// negative duration is rejected rather than silently meaning "forever".
template <class Rep, class Period>
std::optional<std::uint64_t> timeout_ms(std::chrono::duration<Rep, Period> d) noexcept {
    if (d <= std::chrono::duration<Rep, Period>::zero()) return std::nullopt;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
    return static_cast<std::uint64_t>(ms);
}

// A poll(2)-style timeout: -1 for none, else milliseconds rounded up and
// capped at INT_MAX; a negative duration is "now" (0).
inline int poll_ms(std::optional<std::chrono::milliseconds> timeout) noexcept {
    if (!timeout) return -1;
    if (timeout->count() <= 0) return 0;
    return timeout->count() > INT_MAX ? INT_MAX : static_cast<int>(timeout->count());
}

inline std::optional<std::chrono::milliseconds> timeout_of(std::uint64_t ms) noexcept {
    if (ms == 0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(ms));
}

inline const char* const zero_timeout_msg =
    "a zero or negative timeout is not a timeout; pass std::nullopt to remove the timeout";

// The one door to the private parts of the state and address classes.
struct Trusted {};
struct Access {
    template <class S>
    static typename S::c_handle_type* handle(const S& s) noexcept {
        return s.h_.get();
    }
    template <class S>
    static typename S::c_handle_type* release(S& s) noexcept {
        return s.h_.release();
    }
    template <class S>
    static S make(typename S::c_handle_type* h) noexcept {
        return S(h);
    }
    template <class A>
    static A addr(const wl_addr& a) noexcept {
        return A(a, Trusted{});
    }
};

}  // namespace detail

// ---------------------------------------------------------------------------
// Addresses: one type per domain, so an address of the wrong family does
// not compile where a socket of another domain expects its own.
// ---------------------------------------------------------------------------

namespace detail {

// What the three address types share: the kernel-form wl_addr and its text.
class AddrBase {
public:
    /// The address in C form, for the C ABI.
    const wl_addr& raw() const noexcept { return a_; }
    /// The address as a `sockaddr` pointer, for `bind(2)`, `connect(2)`, ...
    const sockaddr* sockaddr_ptr() const noexcept { return reinterpret_cast<const sockaddr*>(&a_.storage); }
    /// The length of the meaningful prefix of `*sockaddr_ptr()`.
    socklen_t sockaddr_len() const noexcept { return a_.len; }
    /// The text form: "127.0.0.1:80", "[::1]:80", a Unix path, "@name"
    /// (non-printable bytes as \xNN) or "(unnamed)" (`wl_addr_format`).
    std::string to_string() const {
        char buf[WL_ADDR_STRLEN];
        const int n = wl_addr_format(&a_, buf, sizeof buf);
        if (n < 0) throw_last(n, "wl_addr_format");
        return std::string(buf, static_cast<std::size_t>(n));
    }

protected:
    explicit AddrBase(const wl_addr& a) noexcept : a_(a) {}
    template <class S>
    S read_as() const noexcept {
        S s{};
        std::memcpy(&s, &a_.storage, sizeof s);
        return s;
    }
    template <class S>
    void write_as(const S& s) noexcept {
        std::memcpy(&a_.storage, &s, sizeof s);
    }
    wl_addr a_;
};

// The typed address of a checked C one, or EAFNOSUPPORT.
template <class A>
Result<A> typed(const wl_addr& a) noexcept {
    const int fam = wl_addr_family(&a);
    if (fam < 0) return fail(fam);
    if (fam != A::address_family) return fail(-EAFNOSUPPORT);
    return Access::addr<A>(a);
}

template <class A>
Result<A> try_parse(std::string_view text) noexcept {
    const CText c(text);
    if (c.err != 0) return fail(-c.err);
    wl_addr a{};
    const int rc = wl_addr_parse(c.buf, &a);
    if (rc < 0) return fail(rc);
    return typed<A>(a);
}

template <class A>
A parse(std::string_view text, const char* who) {
    const CText c(text);
    if (c.err != 0) throw_error(std::error_code(c.err, std::generic_category()), std::string(who) + ": " + c.problem);
    wl_addr a{};
    check(wl_addr_parse(c.buf, &a), "wl_addr_parse");
    if (wl_addr_family(&a) != A::address_family)
        throw_error(std::error_code(EAFNOSUPPORT, std::generic_category()),
                    std::string(who) + ": \"" + std::string(text) + "\" is not " + A::family_name + " address");
    return Access::addr<A>(a);
}

template <class A>
A from_raw(const wl_addr& a, const char* who) {
    auto r = typed<A>(a);
    if (!r) throw_error(r.error(), std::string(who) + ": not " + A::family_name + " address");
    return *std::move(r);
}

}  // namespace detail

/// An IPv4 socket address (`sockaddr_in`): the `Addr` of `wl::Ipv4`.
class SocketAddrV4 : public detail::AddrBase {
public:
    /// `AF_INET`.
    static constexpr int address_family = AF_INET;
    /// For messages.
    static constexpr const char* family_name = "an IPv4";

    /// `ip` in network order (`{127, 0, 0, 1}`), `port` in host order.
    SocketAddrV4(std::array<std::uint8_t, 4> ip, std::uint16_t port) noexcept : AddrBase(wl_addr{}) {
        (void)wl_addr_ipv4(ip.data(), port, &a_);  // fails only for NULL pointers
    }
    /// 127.0.0.1:`port` (port 0 lets the kernel pick a free one on bind).
    static SocketAddrV4 localhost(std::uint16_t port = 0) noexcept { return SocketAddrV4({127, 0, 0, 1}, port); }
    /// 0.0.0.0:`port`: every local IPv4 address.
    static SocketAddrV4 unspecified(std::uint16_t port = 0) noexcept { return SocketAddrV4({0, 0, 0, 0}, port); }
    /// Parses "a.b.c.d:port"; throws `std::system_error` (EINVAL for bad
    /// text, EAFNOSUPPORT for an address of another family).
    static SocketAddrV4 parse(std::string_view text) { return detail::parse<SocketAddrV4>(text, "wl::SocketAddrV4::parse"); }
    /// Parses "a.b.c.d:port" without throwing.
    static Result<SocketAddrV4> try_parse(std::string_view text) noexcept { return detail::try_parse<SocketAddrV4>(text); }
    /// Checks and wraps a C address; throws EAFNOSUPPORT for another family.
    static SocketAddrV4 from_raw(const wl_addr& a) { return detail::from_raw<SocketAddrV4>(a, "wl::SocketAddrV4::from_raw"); }
    /// Checks and wraps a C address without throwing.
    static Result<SocketAddrV4> try_from_raw(const wl_addr& a) noexcept { return detail::typed<SocketAddrV4>(a); }

    /// The IP address, network order.
    std::array<std::uint8_t, 4> ip() const noexcept {
        const auto sin = read_as<sockaddr_in>();
        std::array<std::uint8_t, 4> ip{};
        std::memcpy(ip.data(), &sin.sin_addr, 4);
        return ip;
    }
    /// The port, host order.
    std::uint16_t port() const noexcept { return ntohs(read_as<sockaddr_in>().sin_port); }
    /// Changes the port (host order).
    void set_port(std::uint16_t port) noexcept {
        auto sin = read_as<sockaddr_in>();
        sin.sin_port = htons(port);
        write_as(sin);
    }
    /// Same IP and port.
    friend bool operator==(const SocketAddrV4& a, const SocketAddrV4& b) noexcept {
        return a.ip() == b.ip() && a.port() == b.port();
    }
    /// Different IP or port.
    friend bool operator!=(const SocketAddrV4& a, const SocketAddrV4& b) noexcept { return !(a == b); }

private:
    friend struct detail::Access;
    SocketAddrV4(const wl_addr& a, detail::Trusted) noexcept : AddrBase(a) {}
};

/// An IPv6 socket address (`sockaddr_in6`): the `Addr` of `wl::Ipv6`.
class SocketAddrV6 : public detail::AddrBase {
public:
    /// `AF_INET6`.
    static constexpr int address_family = AF_INET6;
    /// For messages.
    static constexpr const char* family_name = "an IPv6";

    /// `ip` in network order, `port` in host order, flow label, scope id
    /// (interface index; 0 for none).
    SocketAddrV6(const std::array<std::uint8_t, 16>& ip, std::uint16_t port, std::uint32_t flowinfo = 0,
                 std::uint32_t scope_id = 0) noexcept
        : AddrBase(wl_addr{}) {
        (void)wl_addr_ipv6(ip.data(), port, flowinfo, scope_id, &a_);  // fails only for NULL pointers
    }
    /// [::1]:`port`.
    static SocketAddrV6 localhost(std::uint16_t port = 0) noexcept {
        return SocketAddrV6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, port);
    }
    /// [::]:`port`: every local IPv6 address.
    static SocketAddrV6 unspecified(std::uint16_t port = 0) noexcept { return SocketAddrV6({}, port); }
    /// Parses "[v6]:port" (and "[fe80::1%2]:port"); throws as `SocketAddrV4::parse`.
    static SocketAddrV6 parse(std::string_view text) { return detail::parse<SocketAddrV6>(text, "wl::SocketAddrV6::parse"); }
    /// Parses without throwing.
    static Result<SocketAddrV6> try_parse(std::string_view text) noexcept { return detail::try_parse<SocketAddrV6>(text); }
    /// Checks and wraps a C address; throws EAFNOSUPPORT for another family.
    static SocketAddrV6 from_raw(const wl_addr& a) { return detail::from_raw<SocketAddrV6>(a, "wl::SocketAddrV6::from_raw"); }
    /// Checks and wraps a C address without throwing.
    static Result<SocketAddrV6> try_from_raw(const wl_addr& a) noexcept { return detail::typed<SocketAddrV6>(a); }

    /// The IP address, network order.
    std::array<std::uint8_t, 16> ip() const noexcept {
        const auto sin6 = read_as<sockaddr_in6>();
        std::array<std::uint8_t, 16> ip{};
        std::memcpy(ip.data(), &sin6.sin6_addr, 16);
        return ip;
    }
    /// The port, host order.
    std::uint16_t port() const noexcept { return ntohs(read_as<sockaddr_in6>().sin6_port); }
    /// Changes the port (host order).
    void set_port(std::uint16_t port) noexcept {
        auto sin6 = read_as<sockaddr_in6>();
        sin6.sin6_port = htons(port);
        write_as(sin6);
    }
    /// The flow label.
    std::uint32_t flowinfo() const noexcept { return ntohl(read_as<sockaddr_in6>().sin6_flowinfo); }
    /// The scope id (interface index), 0 for none.
    std::uint32_t scope_id() const noexcept { return read_as<sockaddr_in6>().sin6_scope_id; }
    /// Same IP, port, flow label and scope.
    friend bool operator==(const SocketAddrV6& a, const SocketAddrV6& b) noexcept {
        return a.ip() == b.ip() && a.port() == b.port() && a.flowinfo() == b.flowinfo() && a.scope_id() == b.scope_id();
    }
    /// Not `==`.
    friend bool operator!=(const SocketAddrV6& a, const SocketAddrV6& b) noexcept { return !(a == b); }

private:
    friend struct detail::Access;
    SocketAddrV6(const wl_addr& a, detail::Trusted) noexcept : AddrBase(a) {}
};

/// A Unix socket address (`sockaddr_un`): a filesystem path, a Linux
/// abstract name, or unnamed. The `Addr` of `wl::Unix`.
class UnixAddr : public detail::AddrBase {
public:
    /// `AF_UNIX`.
    static constexpr int address_family = AF_UNIX;
    /// For messages.
    static constexpr const char* family_name = "a Unix";

    /// A filesystem path (absolute or relative). Throws ENAMETOOLONG past
    /// 107 bytes (nothing is truncated), EINVAL for an empty path or one
    /// holding a NUL byte.
    static UnixAddr from_path(std::string_view path) {
        auto r = try_from_path(path);
        if (!r) raise(r.error(), "wl::UnixAddr::from_path", path);
        return *std::move(r);
    }
    /// A filesystem path, without throwing.
    static Result<UnixAddr> try_from_path(std::string_view path) noexcept {
        const detail::CText c(path);
        if (c.err != 0) return detail::fail(-c.err);
        wl_addr a{};
        const int rc = wl_addr_unix(c.buf, &a);
        if (rc < 0) return detail::fail(rc);
        return UnixAddr(a, detail::Trusted{});
    }
    /// A Linux abstract-namespace name (any bytes, without the leading
    /// NUL; at most 107). No file, no permissions: anyone in the network
    /// namespace can connect. Throws ENAMETOOLONG when too long.
    static UnixAddr from_abstract_name(std::string_view name) {
        auto r = try_from_abstract_name(name);
        if (!r) raise(r.error(), "wl::UnixAddr::from_abstract_name", name);
        return *std::move(r);
    }
    /// An abstract name, without throwing.
    static Result<UnixAddr> try_from_abstract_name(std::string_view name) noexcept {
        wl_addr a{};
        const int rc = wl_addr_unix_abstract(reinterpret_cast<const std::uint8_t*>(name.data()), name.size(), &a);
        if (rc < 0) return detail::fail(rc);
        return UnixAddr(a, detail::Trusted{});
    }
    /// Parses a path starting with '/' or '.', or "@name" (abstract).
    static UnixAddr parse(std::string_view text) { return detail::parse<UnixAddr>(text, "wl::UnixAddr::parse"); }
    /// Parses without throwing.
    static Result<UnixAddr> try_parse(std::string_view text) noexcept { return detail::try_parse<UnixAddr>(text); }
    /// Checks and wraps a C address; throws EAFNOSUPPORT for another family.
    static UnixAddr from_raw(const wl_addr& a) { return detail::from_raw<UnixAddr>(a, "wl::UnixAddr::from_raw"); }
    /// Checks and wraps a C address without throwing.
    static Result<UnixAddr> try_from_raw(const wl_addr& a) noexcept { return detail::typed<UnixAddr>(a); }

    /// Whether it has no name (an unbound socket, a `socketpair(2)` end).
    bool is_unnamed() const noexcept { return name_len() == 0; }
    /// The filesystem path, if it is one.
    std::optional<std::string> as_pathname() const {
        const std::size_t n = name_len();
        const char* p = sun_path();
        if (n == 0 || p[0] == '\0') return std::nullopt;
        return std::string(p, ::strnlen(p, n));
    }
    /// The abstract name (without the leading NUL), if it is one.
    std::optional<std::string> as_abstract_name() const {
        const std::size_t n = name_len();
        const char* p = sun_path();
        if (n == 0 || p[0] != '\0') return std::nullopt;
        return std::string(p + 1, n - 1);
    }
    /// Same kind and same name.
    friend bool operator==(const UnixAddr& a, const UnixAddr& b) {
        return a.as_pathname() == b.as_pathname() && a.as_abstract_name() == b.as_abstract_name();
    }
    /// Not `==`.
    friend bool operator!=(const UnixAddr& a, const UnixAddr& b) { return !(a == b); }

private:
    friend struct detail::Access;
    UnixAddr(const wl_addr& a, detail::Trusted) noexcept : AddrBase(a) {}
    const char* sun_path() const noexcept {
        return reinterpret_cast<const char*>(&a_.storage) + offsetof(sockaddr_un, sun_path);
    }
    std::size_t name_len() const noexcept {
        const std::size_t off = offsetof(sockaddr_un, sun_path);
        return a_.len > off ? a_.len - off : 0;
    }
    [[noreturn]] static void raise(const std::error_code& ec, const char* who, std::string_view what) {
        detail::throw_error(ec, std::string(who) + ": \"" + std::string(what) + "\"");
    }
};

// ---------------------------------------------------------------------------
// Domain and type markers: empty, compile-time only.
// ---------------------------------------------------------------------------

/// IPv4 (`AF_INET`); addresses are `SocketAddrV4`.
struct Ipv4 {
    /// The address type of this domain.
    using Addr = SocketAddrV4;
    /// `AF_INET`.
    static constexpr int family = AF_INET;
};
/// IPv6 (`AF_INET6`); addresses are `SocketAddrV6`.
struct Ipv6 {
    /// The address type of this domain.
    using Addr = SocketAddrV6;
    /// `AF_INET6`.
    static constexpr int family = AF_INET6;
};
/// Unix sockets (`AF_UNIX`, see `unix(7)`); addresses are `UnixAddr`.
struct Unix {
    /// The address type of this domain.
    using Addr = UnixAddr;
    /// `AF_UNIX`.
    static constexpr int family = AF_UNIX;
};
/// Stream sockets (`SOCK_STREAM`): TCP, Unix streams.
struct Stream {
    /// `SOCK_STREAM`.
    static constexpr int type = SOCK_STREAM;
};
/// Datagram sockets (`SOCK_DGRAM`): UDP, Unix datagrams.
struct Datagram {
    /// `SOCK_DGRAM`.
    static constexpr int type = SOCK_DGRAM;
};

namespace detail {
template <class D>
inline constexpr bool is_domain = std::is_same_v<D, Ipv4> || std::is_same_v<D, Ipv6> || std::is_same_v<D, Unix>;
template <class T>
inline constexpr bool is_sock_type = std::is_same_v<T, Stream> || std::is_same_v<T, Datagram>;
template <class D>
using if_unix = std::enable_if_t<std::is_same_v<D, Unix>, int>;
template <class D>
using if_inet = std::enable_if_t<std::is_same_v<D, Ipv4> || std::is_same_v<D, Ipv6>, int>;
template <class D>
using if_ipv4 = std::enable_if_t<std::is_same_v<D, Ipv4>, int>;
template <class D>
using if_ipv6 = std::enable_if_t<std::is_same_v<D, Ipv6>, int>;
}  // namespace detail

// ---------------------------------------------------------------------------
// States (declared here, defined below) and transition results.
// ---------------------------------------------------------------------------

template <class D, class T>
class RawSocket;
template <class D, class T = Stream>
class BoundSocket;
template <class D>
class Listener;
template <class D>
class ConnectedStream;
template <class D>
class PendingConnect;
template <class D>
class BoundDatagram;
template <class D>
class ConnectedDatagram;

/// A failed transition: the errno, the library's message, and the socket,
/// still alive and in its old state (the C call consumed nothing).
template <class S>
class TransitionError {
public:
    /// Wraps a failure and the socket it leaves behind.
    TransitionError(std::error_code code, std::string message, S&& socket) noexcept
        : code_(code), message_(std::move(message)), socket_(std::move(socket)) {}
    /// The errno, in `std::generic_category()`.
    const std::error_code& code() const noexcept { return code_; }
    /// The library's detailed message, e.g. "wl_raw_bind: Address already in use".
    const std::string& message() const noexcept { return message_; }
    /// The socket, borrowed.
    S& socket() & noexcept { return socket_; }
    /// The socket, borrowed.
    const S& socket() const& noexcept { return socket_; }
    /// Takes the socket back (retry another address, or drop it).
    [[nodiscard]] S into_socket() && noexcept { return std::move(socket_); }
    /// Takes the errno and the socket: `auto [ec, sock] = std::move(err).into_parts();`
    [[nodiscard]] std::pair<std::error_code, S> into_parts() && noexcept { return {code_, std::move(socket_)}; }

private:
    std::error_code code_;
    std::string message_;
    S socket_;
};

/// The result of a non-throwing transition `try_x() &&`: the new state
/// `To`, or a `TransitionError<From>` holding the old one.
template <class To, class From>
using Transition = expected<To, TransitionError<From>>;

// ---------------------------------------------------------------------------
// The C handle of each state and the calls every state has.
// ---------------------------------------------------------------------------

namespace detail {

template <class H>
struct HandleOps;

// Per handle type: free, fd, into_fd. Everything else every state has
// crosses the C ABI once, on the descriptor (wl_socket_*); a moved-from
// handle's fd is -EINVAL, returned as is.
template <class Call>
int on_fd(int fd, Call call) noexcept {
    return fd < 0 ? fd : call(fd);
}

inline int socket_domain_of(int fd) noexcept {
    std::int32_t domain = 0;
    const int rc = wl_socket_domain(fd, &domain);
    return rc < 0 ? rc : domain;
}

#define WL_HPP_HANDLE_OPS(H)                                                                                  \
    template <>                                                                                               \
    struct HandleOps<H> {                                                                                     \
        static void free(H* h) noexcept { H##_free(h); }                                                      \
        static int fd(const H* h) noexcept { return H##_fd(h); }                                              \
        static int into_fd(H* h) noexcept { return H##_into_fd(h); }                                          \
        static int domain(const H* h) noexcept { return on_fd(H##_fd(h), socket_domain_of); }                 \
        static int local_addr(const H* h, wl_addr* a) noexcept {                                              \
            return on_fd(H##_fd(h), [a](int fd) { return wl_socket_local_addr(fd, a); });                    \
        }                                                                                                     \
        static int set_nonblocking(const H* h, bool on) noexcept {                                            \
            return on_fd(H##_fd(h), [on](int fd) { return wl_socket_set_nonblocking(fd, on); });             \
        }                                                                                                     \
        static int is_nonblocking(const H* h) noexcept { return on_fd(H##_fd(h), wl_socket_is_nonblocking); } \
        static int set_read_timeout(const H* h, std::uint64_t ms) noexcept {                                  \
            return on_fd(H##_fd(h), [ms](int fd) { return wl_socket_set_read_timeout(fd, ms); });            \
        }                                                                                                     \
        static int read_timeout(const H* h, std::uint64_t* ms) noexcept {                                     \
            return on_fd(H##_fd(h), [ms](int fd) { return wl_socket_read_timeout(fd, ms); });                \
        }                                                                                                     \
        static int set_write_timeout(const H* h, std::uint64_t ms) noexcept {                                 \
            return on_fd(H##_fd(h), [ms](int fd) { return wl_socket_set_write_timeout(fd, ms); });           \
        }                                                                                                     \
        static int write_timeout(const H* h, std::uint64_t* ms) noexcept {                                    \
            return on_fd(H##_fd(h), [ms](int fd) { return wl_socket_write_timeout(fd, ms); });               \
        }                                                                                                     \
        static int take_error(const H* h, int* e) noexcept {                                                  \
            return on_fd(H##_fd(h), [e](int fd) { return wl_socket_take_error(fd, e); });                    \
        }                                                                                                     \
        static constexpr const char* name = #H;                                                               \
    };

WL_HPP_HANDLE_OPS(wl_raw)
WL_HPP_HANDLE_OPS(wl_bound)
WL_HPP_HANDLE_OPS(wl_listener)
WL_HPP_HANDLE_OPS(wl_conn)
WL_HPP_HANDLE_OPS(wl_pending)
WL_HPP_HANDLE_OPS(wl_dgram)
WL_HPP_HANDLE_OPS(wl_dgram_conn)
// WL_HPP_HANDLE_OPS and WL_HPP_FROM_FD stay defined until the socket kinds
// (end of this header) have made theirs with them.

// Adopting a descriptor: every state but PendingConnect (the C ABI has no
// wl_pending_from_fd).
template <class H>
struct FromFd;
#define WL_HPP_FROM_FD(H)                                                                   \
    template <>                                                                             \
    struct FromFd<H> {                                                                      \
        static int call(int fd, H** out) noexcept { return H##_from_fd(fd, out); }          \
    };
WL_HPP_FROM_FD(wl_raw)
WL_HPP_FROM_FD(wl_bound)
WL_HPP_FROM_FD(wl_listener)
WL_HPP_FROM_FD(wl_conn)
WL_HPP_FROM_FD(wl_dgram)
WL_HPP_FROM_FD(wl_dgram_conn)

// The calls the two connected states (stream and datagram) share.
template <class H>
struct ConnOps;

#define WL_HPP_CONN_OPS(H)                                                                                 \
    template <>                                                                                            \
    struct ConnOps<H> {                                                                                    \
        static ssize_t send(const H* h, const void* b, std::size_t n, int f) noexcept {                    \
            return H##_send(h, b, n, f);                                                                   \
        }                                                                                                  \
        static ssize_t recv(const H* h, void* b, std::size_t n, int f) noexcept { return H##_recv(h, b, n, f); } \
        static ssize_t send_vectored(const H* h, const iovec* v, std::size_t n) noexcept {                 \
            return H##_send_vectored(h, v, n);                                                             \
        }                                                                                                  \
        static ssize_t recv_vectored(const H* h, const iovec* v, std::size_t n) noexcept {                 \
            return H##_recv_vectored(h, v, n);                                                             \
        }                                                                                                  \
        static int peer_addr(const H* h, wl_addr* a) noexcept { return H##_peer_addr(h, a); }              \
        static int try_clone(const H* h, H** out) noexcept { return H##_try_clone(h, out); }               \
        static int pair(H** a, H** b) noexcept { return H##_pair(a, b); }                                  \
    };

WL_HPP_CONN_OPS(wl_conn)
WL_HPP_CONN_OPS(wl_dgram_conn)
#undef WL_HPP_CONN_OPS

template <class H>
struct Deleter {
    void operator()(H* h) const noexcept { HandleOps<H>::free(h); }
};

// A transition that throws: on success the C call consumed `self`'s handle.
template <class To, class From, class Call>
To transition(From& self, Call call, const char* fallback) {
    typename To::c_handle_type* out = nullptr;
    const int rc = call(Access::handle(self), &out);
    if (rc < 0) throw_last(rc, fallback);
    (void)Access::release(self);
    return Access::make<To>(out);
}

// A transition that hands the socket back in the error on failure.
template <class To, class From, class Call>
Transition<To, From> try_transition(From& self, Call call) {
    typename To::c_handle_type* out = nullptr;
    const int rc = call(Access::handle(self), &out);
    if (rc < 0) {
        const std::error_code ec = code_of(rc);
        return unexpected<TransitionError<From>>(TransitionError<From>(ec, last_error_message(), std::move(self)));
    }
    (void)Access::release(self);
    return Access::make<To>(out);
}

#define WL_HPP_COMMA ,

// Calling a transition on a (non-const) lvalue: a clear compile error
// instead of "no matching function". It is &-qualified, so it is never a
// candidate for an rvalue and cannot make a valid call ambiguous; its
// deduced return type makes the compiler instantiate it (and stop at the
// assertion) before reporting anything about the caller's use of the result.
#define WL_HPP_CONSUMES(name)                                                                               \
    template <class... Args>                                                                                \
    auto name(const Args&...) & {                                                                           \
        static_assert(::wl::detail::always_false<Args...>,                                                  \
                      "wirelane: " #name "() consumes the socket (a typestate transition): call it on " \
                      "an rvalue, e.g. std::move(sock)." #name "(...)");                                  \
    }

// Passing an address of another domain to a transition: a clear compile
// error naming the rule.
#define WL_HPP_WRONG_ADDR(name, Ret)                                                                          \
    template <class A, std::enable_if_t<!std::is_same_v<A, typename D::Addr>, int> = 0>                       \
    Ret name(const A&) && {                                                                                   \
        static_assert(::wl::detail::always_false<A>,                                                          \
                      "wirelane: " #name "() takes the socket domain's address type D::Addr (SocketAddrV4 " \
                      "for Ipv4, SocketAddrV6 for Ipv6, UnixAddr for Unix): this address is of another "      \
                      "family");                                                                              \
        std::terminate();                                                                                     \
    }

/// The calls every state has. `Derived` is the state class, `H` its C
/// handle, `D` its domain.
template <class Derived, class H, class D>
class SocketBase {
    static_assert(is_domain<D>, "wirelane: the domain is wl::Ipv4, wl::Ipv6 or wl::Unix");
    using Ops = HandleOps<H>;

public:
    /// The domain marker (`wl::Ipv4`, `wl::Ipv6`, `wl::Unix`).
    using domain_type = D;
    /// The address type of the domain.
    using address_type = typename D::Addr;
    /// The C handle type.
    using c_handle_type = H;

    SocketBase(const SocketBase&) = delete;
    SocketBase& operator=(const SocketBase&) = delete;
    /// Moves the socket; the source owns nothing afterwards.
    SocketBase(SocketBase&&) noexcept = default;
    /// Closes this socket, then takes the other's.
    SocketBase& operator=(SocketBase&&) noexcept = default;

    /// The descriptor, for epoll, poll, io_uring or a `setsockopt(2)`
    /// Wirelane does not wrap. Still owned by this object: do not close it.
    int fd() const { return check(Ops::fd(h()), Ops::name); }
    /// The descriptor, without throwing.
    Result<int> try_fd() const noexcept {
        const int rc = Ops::fd(h());
        if (rc < 0) return fail(rc);
        return rc;
    }
    /// The local address (`getsockname(2)`); for an unbound socket the
    /// wildcard address (or unnamed, for Unix).
    address_type local_addr() const {
        wl_addr a{};
        check(Ops::local_addr(h(), &a), Ops::name);
        return Access::addr<address_type>(a);
    }
    /// The local address, without throwing.
    Result<address_type> try_local_addr() const noexcept {
        wl_addr a{};
        const int rc = Ops::local_addr(h(), &a);
        if (rc < 0) return fail(rc);
        return Access::addr<address_type>(a);
    }
    /// Sets or clears `O_NONBLOCK` (`fcntl(2)`): calls that would wait
    /// fail with EAGAIN (`std::errc::resource_unavailable_try_again`).
    void set_nonblocking(bool nonblocking) const { check(Ops::set_nonblocking(h(), nonblocking), Ops::name); }
    /// Sets or clears `O_NONBLOCK`, without throwing.
    Result<void> try_set_nonblocking(bool nonblocking) const noexcept {
        return void_result(Ops::set_nonblocking(h(), nonblocking));
    }
    /// Whether `O_NONBLOCK` is set.
    bool is_nonblocking() const { return check(Ops::is_nonblocking(h()), Ops::name) != 0; }
    /// Whether `O_NONBLOCK` is set, without throwing.
    Result<bool> try_is_nonblocking() const noexcept {
        const int rc = Ops::is_nonblocking(h());
        if (rc < 0) return fail(rc);
        return rc != 0;
    }
    /// Sets the read timeout (`SO_RCVTIMEO`, see `socket(7)`), rounded up
    /// to milliseconds: blocking receives and accepts fail with EAGAIN
    /// after it. A zero or negative duration is EINVAL (use std::nullopt).
    template <class Rep, class Period>
    void set_read_timeout(std::chrono::duration<Rep, Period> timeout) const {
        const auto ms = timeout_ms(timeout);
        if (!ms) throw_error(std::make_error_code(std::errc::invalid_argument), zero_timeout_msg);
        check(Ops::set_read_timeout(h(), *ms), Ops::name);
    }
    /// Removes the read timeout: receives wait forever.
    void set_read_timeout(std::nullopt_t) const { check(Ops::set_read_timeout(h(), 0), Ops::name); }
    /// Sets the read timeout, without throwing.
    template <class Rep, class Period>
    Result<void> try_set_read_timeout(std::chrono::duration<Rep, Period> timeout) const noexcept {
        const auto ms = timeout_ms(timeout);
        if (!ms) return fail(-EINVAL);
        return void_result(Ops::set_read_timeout(h(), *ms));
    }
    /// Removes the read timeout, without throwing.
    Result<void> try_set_read_timeout(std::nullopt_t) const noexcept {
        return void_result(Ops::set_read_timeout(h(), 0));
    }
    /// The read timeout, or std::nullopt for none.
    std::optional<std::chrono::milliseconds> read_timeout() const {
        std::uint64_t ms = 0;
        check(Ops::read_timeout(h(), &ms), Ops::name);
        return timeout_of(ms);
    }
    /// The read timeout, without throwing.
    Result<std::optional<std::chrono::milliseconds>> try_read_timeout() const noexcept {
        std::uint64_t ms = 0;
        const int rc = Ops::read_timeout(h(), &ms);
        if (rc < 0) return fail(rc);
        return timeout_of(ms);
    }
    /// Sets the write timeout (`SO_SNDTIMEO`): blocking sends (and a
    /// blocking connect) fail with EAGAIN after it. Zero/negative is EINVAL.
    template <class Rep, class Period>
    void set_write_timeout(std::chrono::duration<Rep, Period> timeout) const {
        const auto ms = timeout_ms(timeout);
        if (!ms) throw_error(std::make_error_code(std::errc::invalid_argument), zero_timeout_msg);
        check(Ops::set_write_timeout(h(), *ms), Ops::name);
    }
    /// Removes the write timeout.
    void set_write_timeout(std::nullopt_t) const { check(Ops::set_write_timeout(h(), 0), Ops::name); }
    /// Sets the write timeout, without throwing.
    template <class Rep, class Period>
    Result<void> try_set_write_timeout(std::chrono::duration<Rep, Period> timeout) const noexcept {
        const auto ms = timeout_ms(timeout);
        if (!ms) return fail(-EINVAL);
        return void_result(Ops::set_write_timeout(h(), *ms));
    }
    /// Removes the write timeout, without throwing.
    Result<void> try_set_write_timeout(std::nullopt_t) const noexcept {
        return void_result(Ops::set_write_timeout(h(), 0));
    }
    /// The write timeout, or std::nullopt for none.
    std::optional<std::chrono::milliseconds> write_timeout() const {
        std::uint64_t ms = 0;
        check(Ops::write_timeout(h(), &ms), Ops::name);
        return timeout_of(ms);
    }
    /// The write timeout, without throwing.
    Result<std::optional<std::chrono::milliseconds>> try_write_timeout() const noexcept {
        std::uint64_t ms = 0;
        const int rc = Ops::write_timeout(h(), &ms);
        if (rc < 0) return fail(rc);
        return timeout_of(ms);
    }
    /// Reads and clears the pending socket error (`SO_ERROR`): an empty
    /// (false) error_code when there was none.
    std::error_code take_error() const {
        int e = 0;
        check(Ops::take_error(h(), &e), Ops::name);
        return e == 0 ? std::error_code() : std::error_code(e, std::generic_category());
    }
    /// Reads and clears the pending socket error, without throwing.
    Result<std::error_code> try_take_error() const noexcept {
        int e = 0;
        const int rc = Ops::take_error(h(), &e);
        if (rc < 0) return fail(rc);
        return e == 0 ? std::error_code() : std::error_code(e, std::generic_category());
    }
    /// Gives up the descriptor: the caller owns it and must `close(2)` it.
    [[nodiscard]] int into_fd() && {
        const int fd = check(Ops::into_fd(h()), Ops::name);
        (void)h_.release();
        return fd;
    }
    WL_HPP_CONSUMES(into_fd)
    /// Borrows the C handle, for C code (do not free it).
    const H* c_handle() const noexcept { return h(); }
    /// Gives up the C handle: the caller frees it with its `wl_*_free`.
    [[nodiscard]] H* into_c_handle() && noexcept { return h_.release(); }
    WL_HPP_CONSUMES(into_c_handle)

    /// Adopts a descriptor after the library asked the kernel that it is a
    /// socket of this state, and this domain (and type). On success this
    /// object owns `fd`; on failure (EBADF, ENOTSOCK, EAFNOSUPPORT,
    /// EPROTOTYPE, EINVAL for another state) `fd` stays the caller's.
    template <class HH = H, class = decltype(&FromFd<HH>::call)>
    [[nodiscard]] static Derived from_fd(int fd) {
        H* out = nullptr;
        check(FromFd<HH>::call(fd, &out), Ops::name);
        return adopt(out, true);
    }
    /// Adopts a descriptor, without throwing.
    template <class HH = H, class = decltype(&FromFd<HH>::call)>
    [[nodiscard]] static Result<Derived> try_from_fd(int fd) noexcept {
        H* out = nullptr;
        const int rc = FromFd<HH>::call(fd, &out);
        if (rc < 0) return fail(rc);
        const int bad = mismatch(out);
        if (bad != 0) {
            (void)Ops::into_fd(out);  // frees the handle, leaves fd open for the caller
            return fail(-bad);
        }
        return Access::make<Derived>(out);
    }
    /// Takes ownership of a C handle made by C code, after checking its
    /// domain (and type). On failure the caller keeps the handle.
    [[nodiscard]] static Derived from_c_handle(H* handle) {
        if (handle == nullptr)
            throw_error(std::make_error_code(std::errc::invalid_argument), std::string(Ops::name) + " is NULL");
        return adopt(handle, false);
    }

protected:
    explicit SocketBase(H* h) noexcept : h_(h) {}
    ~SocketBase() = default;
    H* h() const noexcept { return h_.get(); }

private:
    friend struct Access;

    // 0 when `h` is of this domain (and type, for a RawSocket), else the errno.
    static int mismatch(const H* h) noexcept {
        if (Ops::domain(h) != D::family) return EAFNOSUPPORT;
        if constexpr (std::is_same_v<H, wl_raw>) {
            if (wl_raw_type(h) != Derived::socket_type::type) return EPROTOTYPE;
        }
        return 0;
    }
    static Derived adopt(H* h, bool give_fd_back) {
        const int bad = mismatch(h);
        if (bad != 0) {
            if (give_fd_back) (void)Ops::into_fd(h);  // the fd stays open and the caller's
            throw_error(std::error_code(bad, std::generic_category()),
                        std::string(Ops::name) + ": the socket's " +
                            (bad == EAFNOSUPPORT ? "domain" : "type") + " does not match the C++ type");
        }
        return Access::make<Derived>(h);
    }

    std::unique_ptr<H, Deleter<H>> h_;
};

}  // namespace detail

// ---------------------------------------------------------------------------
// Owned descriptors and the batch types (used by the states below).
// ---------------------------------------------------------------------------

/// An owned file descriptor, closed by the destructor: what `recv_fd`
/// returns (Rust's `OwnedFd`). Move-only.
class OwnedFd {
public:
    /// Owns nothing.
    OwnedFd() noexcept = default;
    /// Takes ownership of `fd` (negative: owns nothing).
    explicit OwnedFd(int fd) noexcept : fd_(fd) {}
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    /// Takes the other's descriptor.
    OwnedFd(OwnedFd&& o) noexcept : fd_(o.release()) {}
    /// Closes ours, takes the other's.
    OwnedFd& operator=(OwnedFd&& o) noexcept {
        if (this != &o) reset(o.release());
        return *this;
    }
    /// Closes the descriptor.
    ~OwnedFd() { reset(); }
    /// The descriptor (still owned), or -1.
    int get() const noexcept { return fd_; }
    /// The descriptor (still owned), or -1; lets the option functions take it.
    int fd() const noexcept { return fd_; }
    /// Whether it owns a descriptor.
    explicit operator bool() const noexcept { return fd_ >= 0; }
    /// Gives the descriptor up: the caller closes it.
    [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }
    /// Closes the descriptor it owns and takes `fd` instead.
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) (void)::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

/// What a segmented (GSO) send did (`SegmentedSend`).
struct SegmentedSend {
    /// Payload bytes sent, over all datagrams.
    std::size_t bytes;
    /// Datagrams sent.
    std::size_t datagrams;
    /// True when the kernel segmented one send (GSO); false when it refused
    /// and the segments went out as separate datagrams through `sendmmsg`.
    bool offloaded;
    /// The kernel's reason for refusing GSO (empty when offloaded).
    std::error_code fallback_error;
};

/// One receive with GRO information (`GroRecv`): split the buffer every
/// `segment_size` bytes (0: a single datagram).
template <class A>
struct GroRecv {
    /// Bytes received into the buffer.
    std::size_t len;
    /// The coalesced datagrams' size, 0 for a single datagram.
    std::uint16_t segment_size;
    /// Whether the data was longer than the buffer.
    bool truncated;
    /// The sender.
    A source;
};

namespace detail {
inline SegmentedSend segmented_of(const wl_segmented_send& s) noexcept {
    return {s.bytes, s.datagrams, s.offloaded,
            s.fallback_errno == 0 ? std::error_code() : std::error_code(s.fallback_errno, std::generic_category())};
}
struct SendBatchDeleter {
    void operator()(wl_send_batch* b) const noexcept { wl_send_batch_free(b); }
};
struct RecvBatchDeleter {
    void operator()(wl_recv_batch* b) const noexcept { wl_recv_batch_free(b); }
};
struct RecvSlotsDeleter {
    void operator()(wl_recv_slots* s) const noexcept { wl_recv_slots_free(s); }
};
}  // namespace detail

/// Typed per-datagram UDP metadata (`wirelane::meta`): ECN, destination
/// address and interface (pktinfo), TTL / hop limit, the kernel receive
/// timestamp and the GRO segment size, over fixed-size C structs (no
/// allocation). IPv4/IPv6 datagram sockets only.
namespace meta {

/// The ECN codepoint of a datagram (RFC 3168), the low two bits of the
/// TOS / traffic class byte.
enum class Ecn : std::uint8_t {
    /// Not ECN-capable transport.
    not_ect = 0,
    /// ECN-capable transport, ECT(1).
    ect1 = 1,
    /// ECN-capable transport, ECT(0).
    ect0 = 2,
    /// Congestion experienced.
    ce = 3,
};

/// Which receive-side metadata to turn on (`set_recv_meta`); combine with `|`.
enum class Kind : std::uint32_t {
    /// The ECN codepoint (`IP_RECVTOS` / `IPV6_RECVTCLASS`).
    ecn = WL_META_ECN,
    /// Destination address and interface (`IP_PKTINFO` / `IPV6_RECVPKTINFO`).
    addr = WL_META_ADDR,
    /// TTL / hop limit (`IP_RECVTTL` / `IPV6_RECVHOPLIMIT`).
    ttl = WL_META_TTL,
    /// The kernel receive timestamp (`SO_TIMESTAMPNS`).
    timestamp = WL_META_TIMESTAMP,
    /// Queue ICMP and local errors with their details (`IP_RECVERR` /
    /// `IPV6_RECVERR`), read with `recv_error`.
    errors = WL_META_ERRORS,
    /// Software receive timestamps through `SO_TIMESTAMPING`, reported as
    /// `timestamp`.
    software_timestamp = WL_META_SOFTWARE_TIMESTAMP,
};
/// Both sets of metadata.
constexpr Kind operator|(Kind a, Kind b) noexcept {
    return static_cast<Kind>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}

/// One received datagram and its metadata (`wirelane::meta::RecvMeta`);
/// a field is empty when the kernel did not report it.
template <class A>
struct Recv {
    /// Bytes received.
    std::size_t len;
    /// The sender.
    A source;
    /// The ECN codepoint.
    std::optional<Ecn> ecn;
    /// TTL / hop limit.
    std::optional<std::uint8_t> ttl;
    /// The destination address in the IP header (port 0).
    std::optional<A> dst;
    /// The arrival interface index (set with `dst`).
    std::optional<std::uint32_t> ifindex;
    /// The kernel receive time (`CLOCK_REALTIME`, the system clock's epoch).
    std::optional<std::chrono::nanoseconds> timestamp;
    /// The GRO segment size, when several datagrams were coalesced.
    std::optional<std::uint16_t> gro_segment;
    /// The control data did not fit (`MSG_CTRUNC`): some metadata is lost.
    bool control_truncated;
};

/// Metadata for one outgoing datagram (`wirelane::meta::SendMeta`); an
/// empty field is left to the socket's defaults.
template <class A>
struct Send {
    /// The ECN codepoint to mark.
    std::optional<Ecn> ecn;
    /// TTL / hop limit (1 to 255).
    std::optional<std::uint8_t> ttl;
    /// Source address (its port is ignored) and interface (0: routing's
    /// choice), sent as pktinfo.
    std::optional<A> src;
    /// Outgoing interface, with or without `src` (0: routing's choice).
    std::uint32_t ifindex = 0;
    /// GSO segment size.
    std::optional<std::uint16_t> segment_size;
};

/// Where a queued error came from (`ee_origin`, `SO_EE_ORIGIN_*`).
enum class Origin : std::uint8_t {
    /// No origin.
    none = 0,
    /// The local stack (`EMSGSIZE` for a send above the path MTU, ...).
    local = 1,
    /// An ICMP message.
    icmp = 2,
    /// An ICMPv6 message.
    icmp6 = 3,
};

/// Path MTU discovery modes (`IP_MTU_DISCOVER` / `IPV6_MTU_DISCOVER`,
/// `ip(7)`).
enum class PmtuDiscover : int {
    /// `IP_PMTUDISC_DONT`: never set DF; the kernel may fragment.
    dont = WL_PMTUDISC_DONT,
    /// `IP_PMTUDISC_WANT`: the route's default.
    want = WL_PMTUDISC_WANT,
    /// `IP_PMTUDISC_DO` (`do` is a keyword): always set DF; a send above
    /// the path MTU fails with EMSGSIZE.
    do_ = WL_PMTUDISC_DO,
    /// `IP_PMTUDISC_PROBE`: set DF, ignore the path MTU (QUIC's own probing).
    probe = WL_PMTUDISC_PROBE,
    /// `IP_PMTUDISC_INTERFACE`: the interface MTU, never fragment locally.
    interface = WL_PMTUDISC_INTERFACE,
    /// `IP_PMTUDISC_OMIT`: like `interface`, but fragment what exceeds it.
    omit = WL_PMTUDISC_OMIT,
};

/// One error read from the error queue (`wirelane::meta::QueuedError`):
/// the kernel's `sock_extended_err` with the offender's address.
template <class A>
struct QueuedError {
    /// `ee_errno`: ECONNREFUSED for ICMP port unreachable, EMSGSIZE for
    /// "fragmentation needed", ...
    int error;
    /// Where it came from.
    Origin origin;
    /// The ICMP type for ICMP origins.
    std::uint8_t icmp_type;
    /// The ICMP code for ICMP origins.
    std::uint8_t icmp_code;
    /// `ee_info`: for EMSGSIZE, the path MTU the router reported.
    std::uint32_t info;
    /// `ee_data`.
    std::uint32_t data;
    /// The node that reported the error (port 0); empty for local errors.
    std::optional<A> offender;
    /// Where the offending datagram was going, when the kernel said.
    std::optional<A> destination;
    /// Bytes of the offending datagram's payload copied into the buffer.
    std::size_t len;
    /// `error` as a `std::error_code` (generic category).
    std::error_code code() const noexcept { return {error, std::generic_category()}; }
};

}  // namespace meta

namespace detail {
template <class A>
meta::Recv<A> recv_meta_of(const wl_udp_recv_meta& m) noexcept {
    meta::Recv<A> r{m.len, Access::addr<A>(m.source), {}, {}, {}, {}, {}, {}, (m.present & WL_META_CTRUNC) != 0};
    if (m.present & WL_META_ECN) r.ecn = static_cast<meta::Ecn>(m.ecn);
    if (m.present & WL_META_TTL) r.ttl = m.ttl;
    if (m.present & WL_META_ADDR) {
        r.dst = Access::addr<A>(m.dst);
        r.ifindex = m.ifindex;
    }
    if (m.present & WL_META_TIMESTAMP)
        r.timestamp = std::chrono::seconds(m.ts_sec) + std::chrono::nanoseconds(m.ts_nsec);
    if (m.present & WL_META_SEGMENT) r.gro_segment = m.gro_segment;
    return r;
}
template <class A>
wl_udp_send_meta send_meta_of(const meta::Send<A>& s) noexcept {
    wl_udp_send_meta m{};
    if (s.ecn) {
        m.present |= WL_META_ECN;
        m.ecn = static_cast<std::uint8_t>(*s.ecn);
    }
    if (s.ttl) {
        m.present |= WL_META_TTL;
        m.ttl = *s.ttl;
    }
    if (s.segment_size) {
        m.present |= WL_META_SEGMENT;
        m.segment_size = *s.segment_size;
    }
    if (s.src || s.ifindex != 0) {
        m.present |= WL_META_ADDR;
        m.ifindex = s.ifindex;
        if (s.src) m.src = s.src->raw();
    }
    return m;
}
template <class A>
meta::QueuedError<A> queued_of(const wl_udp_queued_error& q) noexcept {
    meta::QueuedError<A> r{q.error, static_cast<meta::Origin>(q.origin), q.icmp_type, q.icmp_code, q.info, q.data,
                           {}, {}, q.len};
    if (q.offender.len > 0) r.offender = Access::addr<A>(q.offender);
    if (q.destination.len > 0) r.destination = Access::addr<A>(q.destination);
    return r;
}
template <class A>
Result<meta::QueuedError<A>> queued_result(ssize_t rc, const wl_udp_queued_error& q) noexcept {
    if (rc < 0) return fail(rc);
    return queued_of<A>(q);
}
inline Result<meta::PmtuDiscover> pmtu_result(int rc, int mode) noexcept {
    if (rc < 0) return fail(rc);
    return static_cast<meta::PmtuDiscover>(mode);
}
}  // namespace detail

/// Generic control messages (`cmsg(3)`) over caller buffers, with no
/// allocation: `Builder` writes messages in the kernel's layout for
/// `send_cmsg`, `View` walks received ones with the library's bounded,
/// checked cursor (`wl_cmsg_first` / `wl_cmsg_next`), and `Received` says
/// whether the kernel cut the control data (`MSG_CTRUNC`). IPv4/IPv6
/// datagram sockets.
namespace cmsg {

/// Control space that holds every message `recv_meta` decodes at once.
inline constexpr std::size_t recv_space = WL_UDP_RECV_CONTROL_SPACE;

/// `CMSG_SPACE(data_len)`: the bytes one message takes in a buffer.
inline std::size_t space(std::size_t data_len) { return detail::check_size(wl_cmsg_space(data_len), "wl_cmsg_space"); }

/// One control message inside a buffer.
struct Message {
    /// `cmsg_level` (`IPPROTO_IP`, `SOL_SOCKET`, ...).
    int level;
    /// `cmsg_type` (`IP_TTL`, ...).
    int type;
    /// The data, inside the buffer (`CMSG_DATA`).
    std::string_view data;
    /// The data as a `T` when it has exactly `sizeof(T)` bytes (an `int`
    /// for `IP_TTL`, ...), else empty.
    template <class T>
    std::optional<T> as() const noexcept {
        static_assert(std::is_trivially_copyable_v<T>, "cmsg::Message::as needs a trivially copyable type");
        if (data.size() != sizeof(T)) return std::nullopt;
        T v;
        std::memcpy(&v, data.data(), sizeof v);
        return v;
    }
};

/// The messages in `len` bytes at `data` (exactly what a receive
/// reported): iterate it; a malformed message throws `std::system_error`
/// (EINVAL, naming the offset), `check()` reports it without throwing.
/// Borrows the bytes.
class View {
public:
    /// A view of `len` bytes at `data`.
    View(const void* data, std::size_t len) noexcept : data_(data), len_(len) {}

    /// An input iterator over the messages.
    class iterator {
    public:
        /// Iterator traits.
        using iterator_category = std::input_iterator_tag;
        /// Iterator traits.
        using value_type = Message;
        /// Iterator traits.
        using difference_type = std::ptrdiff_t;
        /// Iterator traits.
        using pointer = const Message*;
        /// Iterator traits.
        using reference = const Message&;

        /// The end.
        iterator() noexcept = default;
        /// The current message.
        const Message& operator*() const noexcept { return msg_; }
        /// The current message.
        const Message* operator->() const noexcept { return &msg_; }
        /// The next message; throws for a malformed one.
        iterator& operator++() {
            settle(wl_cmsg_next(view_->data_, view_->len_, &cur_), "wl_cmsg_next");
            return *this;
        }
        /// Both at the end, or at the same message.
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.view_ == b.view_ && (a.view_ == nullptr || a.cur_.offset == b.cur_.offset);
        }
        /// Not equal.
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return !(a == b); }

    private:
        friend class View;
        explicit iterator(const View* v) : view_(v) { settle(wl_cmsg_first(v->data_, v->len_, &cur_), "wl_cmsg_first"); }
        void settle(int rc, const char* what) {
            if (rc < 0) {
                view_ = nullptr;
                detail::check(rc, what);
            }
            if (rc == 0) {
                view_ = nullptr;
                return;
            }
            msg_ = Message{cur_.cmsg_level, cur_.cmsg_type,
                           std::string_view(reinterpret_cast<const char*>(cur_.data), cur_.data_len)};
        }
        const View* view_ = nullptr;
        wl_cmsg cur_{};
        Message msg_{};
    };

    /// The first message.
    iterator begin() const { return iterator(this); }
    /// The end.
    iterator end() const noexcept { return iterator(); }
    /// Walks every message; the first malformed one as an error.
    Result<void> check() const noexcept {
        wl_cmsg c{};
        int rc = wl_cmsg_first(data_, len_, &c);
        while (rc == 1) rc = wl_cmsg_next(data_, len_, &c);
        return detail::void_result(rc);
    }
    /// The first message of `level` / `type`, if any (throws for a
    /// malformed buffer).
    std::optional<Message> find(int level, int type) const {
        for (const Message& m : *this)
            if (m.level == level && m.type == type) return m;
        return std::nullopt;
    }
    /// The bytes.
    const void* data() const noexcept { return data_; }
    /// Their length.
    std::size_t size() const noexcept { return len_; }

private:
    const void* data_;
    std::size_t len_;
};

/// Writes messages into a caller buffer of `capacity` bytes in the
/// kernel's layout (`wl_cmsg_push`); pass `data()` / `size()` to
/// `send_cmsg`. Borrows the buffer; never allocates.
class Builder {
public:
    /// An empty builder over `capacity` bytes at `buf`.
    Builder(void* buf, std::size_t capacity) noexcept : buf_(buf), cap_(capacity) {}
    /// Appends one message; ENOBUFS when it does not fit (nothing written).
    Builder& push(int level, int type, const void* data, std::size_t len) {
        detail::check(wl_cmsg_push(buf_, cap_, &used_, level, type, data, len), "wl_cmsg_push");
        return *this;
    }
    /// Appends one message whose data is `value`'s bytes (an `int` for
    /// `IP_TTL`, ...).
    template <class T>
    Builder& push_value(int level, int type, const T& value) {
        static_assert(std::is_trivially_copyable_v<T>, "cmsg::Builder::push_value needs a trivially copyable type");
        return push(level, type, &value, sizeof value);
    }
    /// Appends one message, without throwing.
    Result<void> try_push(int level, int type, const void* data, std::size_t len) noexcept {
        return detail::void_result(wl_cmsg_push(buf_, cap_, &used_, level, type, data, len));
    }
    /// The buffer.
    const void* data() const noexcept { return buf_; }
    /// The bytes written.
    std::size_t size() const noexcept { return used_; }
    /// The messages written so far.
    View view() const noexcept { return View(buf_, used_); }

private:
    void* buf_;
    std::size_t cap_;
    std::size_t used_ = 0;
};

/// One datagram received by `recv_cmsg`, its control messages in the
/// caller's control buffer.
template <class A>
struct Received {
    /// Bytes received (the real length with `MSG_TRUNC` in the flags).
    std::size_t len;
    /// The kernel's `msg_flags`.
    int flags;
    /// The datagram was longer than the buffer (`MSG_TRUNC`).
    bool truncated;
    /// The control buffer was too small: messages after the cut are lost
    /// (`MSG_CTRUNC`).
    bool control_truncated;
    /// The sender (the peer on a connected socket).
    A source;
    /// The control messages (the `control_len` bytes the kernel wrote).
    View control;
    /// The C description, for `wl_cmsg_recv_meta`.
    wl_cmsg_recv raw;
    /// The typed metadata of the same bytes (ECN, TTL, destination,
    /// timestamp, GRO segment; `control_truncated` kept).
    meta::Recv<A> meta() const {
        wl_udp_recv_meta out{};
        detail::check(wl_cmsg_recv_meta(&raw, control.data(), &out), "wl_cmsg_recv_meta");
        return detail::recv_meta_of<A>(out);
    }
    /// The queued error of a receive made with `MSG_ERRQUEUE` (errno,
    /// origin, ICMP type and code, the offender; the destination is
    /// `source`), decoded by `wl_cmsg_recv_error`. Throws ENOMSG when the
    /// control data holds none, ENOBUFS when `MSG_CTRUNC` cut it.
    meta::QueuedError<A> queued_error() const {
        wl_udp_queued_error out{};
        detail::check(wl_cmsg_recv_error(&raw, control.data(), &out), "wl_cmsg_recv_error");
        return detail::queued_of<A>(out);
    }
    /// `queued_error` as a `Result`, never throwing.
    Result<meta::QueuedError<A>> try_queued_error() const noexcept {
        wl_udp_queued_error out{};
        return detail::queued_result<A>(wl_cmsg_recv_error(&raw, control.data(), &out), out);
    }
};

}  // namespace cmsg

namespace detail {
template <class A>
cmsg::Received<A> cmsg_received_of(const wl_cmsg_recv& r, const void* control) noexcept {
    return {r.len, r.flags, r.truncated, r.control_truncated, Access::addr<A>(r.source),
            cmsg::View(control, r.control_len), r};
}
template <class A>
Result<cmsg::Received<A>> cmsg_result(ssize_t rc, const wl_cmsg_recv& r, const void* control) noexcept {
    if (rc < 0) return fail(rc);
    return cmsg_received_of<A>(r, control);
}
}  // namespace detail

/// Batches of datagrams moved in one syscall (`sendmmsg(2)`,
/// `recvmmsg(2)`), and UDP segmentation offload (`udp(7)`).
namespace batch {

/// The most messages one batch call handles (`UIO_MAXIOV`).
inline constexpr std::size_t max_batch = WL_MAX_BATCH;
/// The most segments one GSO send may produce.
inline constexpr std::size_t max_udp_segments = WL_MAX_UDP_SEGMENTS;
/// `MSG_WAITFORONE` for `recv_batch`: wait for one datagram, then take
/// only what is already queued.
inline constexpr int waitforone = WL_MSG_WAITFORONE;

/// A reusable batch of outgoing datagrams for one `sendmmsg(2)`, for domain
/// `D`. It BORROWS the payloads: each buffer pushed must stay valid until
/// the batch is cleared, sent for the last time, or destroyed. Pushing
/// never allocates. One thread at a time.
template <class D>
class SendBatch {
public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Room for `capacity` messages (1 to `max_batch`); throws EINVAL otherwise.
    explicit SendBatch(std::size_t capacity) {
        wl_send_batch* b = nullptr;
        detail::check(wl_send_batch_new(D::family, capacity, &b), "wl_send_batch_new");
        b_.reset(b);
    }
    /// Creates a batch, without throwing.
    [[nodiscard]] static Result<SendBatch> try_create(std::size_t capacity) noexcept {
        wl_send_batch* b = nullptr;
        const int rc = wl_send_batch_new(D::family, capacity, &b);
        if (rc < 0) return detail::fail(rc);
        return SendBatch(b, detail::Trusted{});
    }

    /// Queues `len` bytes at `data` for `to`; ENOBUFS when full (nothing queued).
    void push(const void* data, std::size_t len, const Addr& to) {
        detail::check(wl_send_batch_push(b_.get(), data, len, &to.raw()), "wl_send_batch_push");
    }
    /// Queues `bytes` for `to` (the batch borrows them).
    void push(std::string_view bytes, const Addr& to) { push(bytes.data(), bytes.size(), to); }
    /// A temporary string would dangle before the send: not allowed.
    void push(std::string&&, const Addr&) = delete;
    /// Queues without throwing.
    Result<void> try_push(const void* data, std::size_t len, const Addr& to) noexcept {
        return detail::void_result(wl_send_batch_push(b_.get(), data, len, &to.raw()));
    }
    /// Queues without throwing.
    Result<void> try_push(std::string_view bytes, const Addr& to) noexcept {
        return try_push(bytes.data(), bytes.size(), to);
    }
    /// A temporary string would dangle before the send: not allowed.
    Result<void> try_push(std::string&&, const Addr&) = delete;
    /// Queues a datagram for a connected socket's peer (no address).
    void push_connected(const void* data, std::size_t len) {
        detail::check(wl_send_batch_push(b_.get(), data, len, nullptr), "wl_send_batch_push");
    }
    /// Queues `bytes` for a connected socket's peer.
    void push_connected(std::string_view bytes) { push_connected(bytes.data(), bytes.size()); }
    /// A temporary string would dangle before the send: not allowed.
    void push_connected(std::string&&) = delete;
    /// Queues for the peer, without throwing.
    Result<void> try_push_connected(std::string_view bytes) noexcept {
        return detail::void_result(wl_send_batch_push(b_.get(), bytes.data(), bytes.size(), nullptr));
    }
    /// Queues `bytes` for `to` with its own metadata (ECN, TTL, source,
    /// GSO segment size), encoded into this message's own control space;
    /// ENOBUFS when full, EINVAL for bad metadata (nothing queued).
    /// IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    void push_meta(std::string_view bytes, const Addr& to, const meta::Send<Addr>& m) {
        const wl_udp_send_meta c = detail::send_meta_of(m);
        detail::check(wl_send_batch_push_meta(b_.get(), bytes.data(), bytes.size(), &to.raw(), &c),
                      "wl_send_batch_push_meta");
    }
    /// A temporary string would dangle before the send: not allowed.
    template <class DD = D, detail::if_inet<DD> = 0>
    void push_meta(std::string&&, const Addr&, const meta::Send<Addr>&) = delete;
    /// Queues with metadata, without throwing. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<void> try_push_meta(std::string_view bytes, const Addr& to, const meta::Send<Addr>& m) noexcept {
        const wl_udp_send_meta c = detail::send_meta_of(m);
        return detail::void_result(wl_send_batch_push_meta(b_.get(), bytes.data(), bytes.size(), &to.raw(), &c));
    }
    /// Queues `bytes` for a connected socket's peer with its own metadata.
    /// IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    void push_connected_meta(std::string_view bytes, const meta::Send<Addr>& m) {
        const wl_udp_send_meta c = detail::send_meta_of(m);
        detail::check(wl_send_batch_push_meta(b_.get(), bytes.data(), bytes.size(), nullptr, &c),
                      "wl_send_batch_push_meta");
    }
    /// A temporary string would dangle before the send: not allowed.
    template <class DD = D, detail::if_inet<DD> = 0>
    void push_connected_meta(std::string&&, const meta::Send<Addr>&) = delete;

    /// The number of queued messages.
    std::size_t len() const { return static_cast<std::size_t>(detail::check(wl_send_batch_len(b_.get()), "wl_send_batch_len")); }
    /// Whether nothing is queued.
    bool empty() const { return len() == 0; }
    /// The capacity in messages.
    std::size_t capacity() const {
        return static_cast<std::size_t>(detail::check(wl_send_batch_capacity(b_.get()), "wl_send_batch_capacity"));
    }
    /// Empties the batch: the payloads are no longer borrowed.
    void clear() { detail::check(wl_send_batch_clear(b_.get()), "wl_send_batch_clear"); }
    /// Drops what the last send sent, keeping the rest for a retry.
    void remove_sent() { detail::check(wl_send_batch_remove_sent(b_.get()), "wl_send_batch_remove_sent"); }
    /// How many messages the last send sent (the first ones).
    std::size_t sent() const { return static_cast<std::size_t>(detail::check(wl_send_batch_sent(b_.get()), "wl_send_batch_sent")); }
    /// The bytes the last send sent for message `index` (below `sent()`).
    std::size_t sent_len(std::size_t index) const {
        std::size_t n = 0;
        detail::check(wl_send_batch_sent_len(b_.get(), index, &n), "wl_send_batch_sent_len");
        return n;
    }
    /// The C handle, borrowed.
    wl_send_batch* c_handle() const noexcept { return b_.get(); }

private:
    SendBatch(wl_send_batch* b, detail::Trusted) noexcept : b_(b) {}
    std::unique_ptr<wl_send_batch, detail::SendBatchDeleter> b_;
};

/// One datagram of a `RecvBatch` (`RecvMsg`).
template <class D>
struct RecvMsg {
    /// The bytes received, inside the batch: valid until the next receive
    /// into it or its destruction.
    std::string_view data;
    /// The bytes received, or with `MSG_TRUNC` the datagram's real length.
    std::size_t len;
    /// The kernel's `msg_flags` (`MSG_TRUNC`, ...).
    int flags;
    /// Whether the datagram was longer than its slot and was cut.
    bool truncated;
    /// The `UDP_GRO` segment size when several datagrams were coalesced into
    /// this one (split `data` every `gro_segment` bytes), else 0.
    std::uint16_t gro_segment;
    /// The sender.
    typename D::Addr source;
};

/// Reusable receive slots for one `recvmmsg(2)`, for domain `D`: all memory
/// is allocated here, none while receiving. One thread at a time.
template <class D>
class RecvBatch {
public:
    /// `count` slots (1 to `max_batch`) of `slot_size` bytes (65536 for GRO).
    RecvBatch(std::size_t count, std::size_t slot_size) {
        wl_recv_batch* b = nullptr;
        detail::check(wl_recv_batch_new(D::family, count, slot_size, &b), "wl_recv_batch_new");
        b_.reset(b);
    }
    /// Creates a batch, without throwing.
    [[nodiscard]] static Result<RecvBatch> try_create(std::size_t count, std::size_t slot_size) noexcept {
        wl_recv_batch* b = nullptr;
        const int rc = wl_recv_batch_new(D::family, count, slot_size, &b);
        if (rc < 0) return detail::fail(rc);
        return RecvBatch(b, detail::Trusted{});
    }
    /// How many messages the last receive delivered.
    std::size_t len() const { return static_cast<std::size_t>(detail::check(wl_recv_batch_len(b_.get()), "wl_recv_batch_len")); }
    /// The number of slots.
    std::size_t capacity() const {
        return static_cast<std::size_t>(detail::check(wl_recv_batch_capacity(b_.get()), "wl_recv_batch_capacity"));
    }
    /// The slot size in bytes.
    std::size_t slot_size() const {
        std::size_t n = 0;
        detail::check(wl_recv_batch_slot_size(b_.get(), &n), "wl_recv_batch_slot_size");
        return n;
    }
    /// Message `index` (below `len()`) of the last receive; EINVAL past the end.
    RecvMsg<D> get(std::size_t index) const {
        wl_recv_msg m{};
        detail::check(wl_recv_batch_get(b_.get(), index, &m), "wl_recv_batch_get");
        return {std::string_view(reinterpret_cast<const char*>(m.data), m.data_len), m.len, m.flags, m.truncated,
                m.gro_segment, detail::Access::addr<typename D::Addr>(m.source)};
    }
    /// Message `index` (below `len()`).
    RecvMsg<D> operator[](std::size_t index) const { return get(index); }
    /// The metadata of message `index` (below `len()`), from that slot's
    /// own control data: slots never mix metadata. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    meta::Recv<typename D::Addr> meta(std::size_t index) const {
        wl_udp_recv_meta out{};
        detail::check(wl_recv_batch_meta(b_.get(), index, &out), "wl_recv_batch_meta");
        return detail::recv_meta_of<typename D::Addr>(out);
    }
    /// The raw control messages of message `index` (inside the batch:
    /// valid until the next receive into it).
    cmsg::View control(std::size_t index) const {
        const std::uint8_t* p = nullptr;
        std::size_t n = 0;
        detail::check(wl_recv_batch_control(b_.get(), index, &p, &n), "wl_recv_batch_control");
        return cmsg::View(p, n);
    }
    /// The C handle, borrowed.
    wl_recv_batch* c_handle() const noexcept { return b_.get(); }

private:
    RecvBatch(wl_recv_batch* b, detail::Trusted) noexcept : b_(b) {}
    std::unique_ptr<wl_recv_batch, detail::RecvBatchDeleter> b_;
};

/// Per-datagram storage (sender, control space, kernel header) for
/// `recv_slots`, which receives one `recvmmsg(2)` straight into the
/// caller's own buffers (`wirelane::meta::RecvSlots`), for domain `D`
/// (IPv4/IPv6). Allocated once; receiving allocates nothing. Each slot has
/// its own control space. One thread at a time.
template <class D>
class RecvSlots {
    static_assert(std::is_same_v<D, Ipv4> || std::is_same_v<D, Ipv6>, "RecvSlots is for IPv4/IPv6 datagrams");

public:
    /// Room for `count` datagrams per receive (1 to `max_batch`).
    explicit RecvSlots(std::size_t count) {
        wl_recv_slots* s = nullptr;
        detail::check(wl_recv_slots_new(D::family, count, &s), "wl_recv_slots_new");
        s_.reset(s);
    }
    /// How many datagrams the last receive filled.
    std::size_t len() const { return static_cast<std::size_t>(detail::check(wl_recv_slots_len(s_.get()), "wl_recv_slots_len")); }
    /// Datagram `index`'s length (in its buffer), sender and metadata.
    meta::Recv<typename D::Addr> meta(std::size_t index) const {
        wl_udp_recv_meta out{};
        detail::check(wl_recv_slots_meta(s_.get(), index, &out), "wl_recv_slots_meta");
        return detail::recv_meta_of<typename D::Addr>(out);
    }
    /// Datagram `index`'s `msg_flags` (`MSG_TRUNC`: cut to its buffer).
    int flags(std::size_t index) const {
        int f = 0;
        detail::check(wl_recv_slots_flags(s_.get(), index, &f), "wl_recv_slots_flags");
        return f;
    }
    /// Datagram `index`'s raw control messages (valid until the next receive).
    cmsg::View control(std::size_t index) const {
        const std::uint8_t* p = nullptr;
        std::size_t n = 0;
        detail::check(wl_recv_slots_control(s_.get(), index, &p, &n), "wl_recv_slots_control");
        return cmsg::View(p, n);
    }
    /// The C handle, borrowed.
    wl_recv_slots* c_handle() const noexcept { return s_.get(); }

private:
    std::unique_ptr<wl_recv_slots, detail::RecvSlotsDeleter> s_;
};

}  // namespace batch

namespace detail {

// The descriptor of a socket object, an OwnedFd, or a raw fd.
inline int fd_of(int fd) noexcept { return fd; }
inline int fd_of(const OwnedFd& fd) noexcept { return fd.get(); }
template <class S, class H = typename S::c_handle_type>
int fd_of(const S& socket) {
    return socket.fd();
}
// The same without throwing: -errno for a moved-from object.
inline int try_fd_of(int fd) noexcept { return fd; }
inline int try_fd_of(const OwnedFd& fd) noexcept { return fd.get(); }
template <class S, class H = typename S::c_handle_type>
int try_fd_of(const S& socket) noexcept {
    return HandleOps<H>::fd(Access::handle(socket));
}

}  // namespace detail

namespace detail {

/// Send and receive on a connected socket (stream or datagram): what
/// `ConnectedStream` and `ConnectedDatagram` share.
template <class Derived, class H, class D>
class ConnectedBase : public SocketBase<Derived, H, D> {
    using Base = SocketBase<Derived, H, D>;
    using Ops = ConnOps<H>;
    static constexpr const char* name = HandleOps<H>::name;

public:
    /// The address type of the domain.
    using address_type = typename D::Addr;

    /// Sends up to `len` bytes (`send(2)`, `MSG_NOSIGNAL`): returns how
    /// many were queued, possibly fewer. EPIPE when the peer is gone.
    [[nodiscard]] std::size_t send(const void* data, std::size_t len) const { return send_with_flags(data, len, 0); }
    /// Sends up to `bytes.size()` bytes.
    [[nodiscard]] std::size_t send(std::string_view bytes) const { return send_with_flags(bytes, 0); }
    /// Sends with `MSG_*` flags (`MSG_DONTWAIT`, `MSG_MORE`, `MSG_OOB`, ...).
    [[nodiscard]] std::size_t send_with_flags(const void* data, std::size_t len, int flags) const {
        return check_size(Ops::send(this->h(), data, len, flags), name);
    }
    /// Sends with `MSG_*` flags.
    [[nodiscard]] std::size_t send_with_flags(std::string_view bytes, int flags) const {
        return send_with_flags(bytes.data(), bytes.size(), flags);
    }
    /// Sends, without throwing.
    [[nodiscard]] Result<std::size_t> try_send(const void* data, std::size_t len) const noexcept {
        return try_send_with_flags(data, len, 0);
    }
    /// Sends, without throwing.
    [[nodiscard]] Result<std::size_t> try_send(std::string_view bytes) const noexcept {
        return try_send_with_flags(bytes.data(), bytes.size(), 0);
    }
    /// Sends with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_with_flags(const void* data, std::size_t len, int flags) const noexcept {
        return size_result(Ops::send(this->h(), data, len, flags));
    }
    /// Sends with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_with_flags(std::string_view bytes, int flags) const noexcept {
        return try_send_with_flags(bytes.data(), bytes.size(), flags);
    }

    /// Receives up to `len` bytes (`recv(2)`): returns how many arrived; 0
    /// means end of stream (or an empty datagram).
    [[nodiscard]] std::size_t recv(void* data, std::size_t len) const { return recv_with_flags(data, len, 0); }
    /// Receives with `MSG_*` flags (`MSG_PEEK`, `MSG_DONTWAIT`, `MSG_WAITALL`, `MSG_TRUNC`, ...).
    [[nodiscard]] std::size_t recv_with_flags(void* data, std::size_t len, int flags) const {
        return check_size(Ops::recv(this->h(), data, len, flags), name);
    }
    /// Receives without removing the data from the queue (`MSG_PEEK`).
    [[nodiscard]] std::size_t peek(void* data, std::size_t len) const { return recv_with_flags(data, len, MSG_PEEK); }
    /// Receives, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv(void* data, std::size_t len) const noexcept {
        return try_recv_with_flags(data, len, 0);
    }
    /// Receives with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv_with_flags(void* data, std::size_t len, int flags) const noexcept {
        return size_result(Ops::recv(this->h(), data, len, flags));
    }
    /// Peeks, without throwing.
    [[nodiscard]] Result<std::size_t> try_peek(void* data, std::size_t len) const noexcept {
        return try_recv_with_flags(data, len, MSG_PEEK);
    }

#if WL_HPP_HAS_SPAN
    /// Sends up to `bytes.size()` bytes.
    [[nodiscard]] std::size_t send(std::span<const std::byte> bytes) const { return send(bytes.data(), bytes.size()); }
    /// Sends with `MSG_*` flags.
    [[nodiscard]] std::size_t send_with_flags(std::span<const std::byte> bytes, int flags) const {
        return send_with_flags(bytes.data(), bytes.size(), flags);
    }
    /// Sends, without throwing.
    [[nodiscard]] Result<std::size_t> try_send(std::span<const std::byte> bytes) const noexcept {
        return try_send_with_flags(bytes.data(), bytes.size(), 0);
    }
    /// Sends with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_with_flags(std::span<const std::byte> bytes, int flags) const noexcept {
        return try_send_with_flags(bytes.data(), bytes.size(), flags);
    }
    /// Receives into `buf`.
    [[nodiscard]] std::size_t recv(std::span<std::byte> buf) const { return recv(buf.data(), buf.size()); }
    /// Receives into `buf`.
    [[nodiscard]] std::size_t recv(std::span<char> buf) const { return recv(buf.data(), buf.size()); }
    /// Receives into `buf` with flags.
    [[nodiscard]] std::size_t recv_with_flags(std::span<std::byte> buf, int flags) const {
        return recv_with_flags(buf.data(), buf.size(), flags);
    }
    /// Receives into `buf` with flags.
    [[nodiscard]] std::size_t recv_with_flags(std::span<char> buf, int flags) const {
        return recv_with_flags(buf.data(), buf.size(), flags);
    }
    /// Peeks into `buf`.
    [[nodiscard]] std::size_t peek(std::span<std::byte> buf) const { return peek(buf.data(), buf.size()); }
    /// Peeks into `buf`.
    [[nodiscard]] std::size_t peek(std::span<char> buf) const { return peek(buf.data(), buf.size()); }
    /// Receives into `buf`, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv(std::span<std::byte> buf) const noexcept {
        return try_recv(buf.data(), buf.size());
    }
    /// Receives into `buf`, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv(std::span<char> buf) const noexcept {
        return try_recv(buf.data(), buf.size());
    }
    /// Receives into `buf` with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv_with_flags(std::span<std::byte> buf, int flags) const noexcept {
        return try_recv_with_flags(buf.data(), buf.size(), flags);
    }
    /// Receives into `buf` with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv_with_flags(std::span<char> buf, int flags) const noexcept {
        return try_recv_with_flags(buf.data(), buf.size(), flags);
    }
    /// Peeks into `buf`, without throwing.
    [[nodiscard]] Result<std::size_t> try_peek(std::span<std::byte> buf) const noexcept {
        return try_peek(buf.data(), buf.size());
    }
    /// Peeks into `buf`, without throwing.
    [[nodiscard]] Result<std::size_t> try_peek(std::span<char> buf) const noexcept {
        return try_peek(buf.data(), buf.size());
    }
#endif

    /// Sends a gather list in one `sendmsg(2)` (`MSG_NOSIGNAL`); for a
    /// datagram socket, one datagram.
    [[nodiscard]] std::size_t send_vectored(const iovec* iov, std::size_t count) const {
        return check_size(Ops::send_vectored(this->h(), iov, count), name);
    }
    /// Receives into a scatter list in one `recvmsg(2)`.
    [[nodiscard]] std::size_t recv_vectored(const iovec* iov, std::size_t count) const {
        return check_size(Ops::recv_vectored(this->h(), iov, count), name);
    }
    /// Sends a gather list, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_vectored(const iovec* iov, std::size_t count) const noexcept {
        return size_result(Ops::send_vectored(this->h(), iov, count));
    }
    /// Receives into a scatter list, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv_vectored(const iovec* iov, std::size_t count) const noexcept {
        return size_result(Ops::recv_vectored(this->h(), iov, count));
    }
#if WL_HPP_HAS_SPAN
    /// Sends a gather list.
    [[nodiscard]] std::size_t send_vectored(std::span<const iovec> iov) const {
        return send_vectored(iov.data(), iov.size());
    }
    /// Receives into a scatter list.
    [[nodiscard]] std::size_t recv_vectored(std::span<const iovec> iov) const {
        return recv_vectored(iov.data(), iov.size());
    }
    /// Sends a gather list, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_vectored(std::span<const iovec> iov) const noexcept {
        return try_send_vectored(iov.data(), iov.size());
    }
    /// Receives into a scatter list, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv_vectored(std::span<const iovec> iov) const noexcept {
        return try_recv_vectored(iov.data(), iov.size());
    }
#endif

    /// The peer's address (`getpeername(2)`); ENOTCONN once it is gone.
    address_type peer_addr() const {
        wl_addr a{};
        check(Ops::peer_addr(this->h(), &a), name);
        return Access::addr<address_type>(a);
    }
    /// The peer's address, without throwing.
    Result<address_type> try_peer_addr() const noexcept {
        wl_addr a{};
        const int rc = Ops::peer_addr(this->h(), &a);
        if (rc < 0) return fail(rc);
        return Access::addr<address_type>(a);
    }
    /// A second object for the same socket (`fcntl(F_DUPFD_CLOEXEC)`),
    /// e.g. one thread receiving while another sends. The socket closes
    /// when both are gone. (Rust's `try_clone`.)
    [[nodiscard]] Derived clone() const {
        H* out = nullptr;
        check(Ops::try_clone(this->h(), &out), name);
        return Access::make<Derived>(out);
    }
    /// A second object for the same socket, without throwing.
    [[nodiscard]] Result<Derived> try_clone() const noexcept {
        H* out = nullptr;
        const int rc = Ops::try_clone(this->h(), &out);
        if (rc < 0) return fail(rc);
        return Access::make<Derived>(out);
    }
    /// Two connected Unix sockets (`socketpair(2)`, close-on-exec). Unix only.
    template <class DD = D, if_unix<DD> = 0>
    [[nodiscard]] static std::pair<Derived, Derived> pair() {
        H* a = nullptr;
        H* b = nullptr;
        check(Ops::pair(&a, &b), name);
        return {Access::make<Derived>(a), Access::make<Derived>(b)};
    }
    /// Two connected Unix sockets, without throwing. Unix only.
    template <class DD = D, if_unix<DD> = 0>
    [[nodiscard]] static Result<std::pair<Derived, Derived>> try_pair() noexcept {
        H* a = nullptr;
        H* b = nullptr;
        const int rc = Ops::pair(&a, &b);
        if (rc < 0) return fail(rc);
        return std::pair<Derived, Derived>(Access::make<Derived>(a), Access::make<Derived>(b));
    }

protected:
    explicit ConnectedBase(H* h) noexcept : Base(h) {}
};

}  // namespace detail

namespace detail {

// The C calls the two datagram states share: the same arguments under two
// prefixes, `wl_dgram_` (BoundDatagram) and `wl_dgram_conn_`
// (ConnectedDatagram). Each entry is the C function (`call`) and its name,
// the message of an error the library left none for (`name`).
template <class H>
struct DgramOps;

#define WL_HPP_DGRAM_FN(H, fn)                          \
    struct fn {                                         \
        static constexpr auto call = &H##_##fn;         \
        static constexpr const char* name = #H "_" #fn; \
    };
#define WL_HPP_DGRAM_OPS(H)                  \
    template <>                              \
    struct DgramOps<H> {                     \
        WL_HPP_DGRAM_FN(H, send_batch)       \
        WL_HPP_DGRAM_FN(H, recv_batch)       \
        WL_HPP_DGRAM_FN(H, recv_gro)         \
        WL_HPP_DGRAM_FN(H, set_recv_meta)    \
        WL_HPP_DGRAM_FN(H, recv_meta)        \
        WL_HPP_DGRAM_FN(H, recv_error)       \
        WL_HPP_DGRAM_FN(H, set_mtu_discover) \
        WL_HPP_DGRAM_FN(H, mtu_discover)     \
        WL_HPP_DGRAM_FN(H, recv_cmsg)        \
        WL_HPP_DGRAM_FN(H, recv_slots)       \
    };

WL_HPP_DGRAM_OPS(wl_dgram)
WL_HPP_DGRAM_OPS(wl_dgram_conn)
#undef WL_HPP_DGRAM_OPS
#undef WL_HPP_DGRAM_FN

/// The calls a datagram socket has whether or not it is connected: what
/// `BoundDatagram` and `ConnectedDatagram` share (batches, GRO, receive
/// metadata, the error queue, path MTU discovery, raw control messages).
/// The calls that name the peer (`send_to`) or cannot (`send`), or that
/// need one (`path_mtu`), stay in the state classes. `Base` is the state's
/// other base: `SocketBase` (bound) or `ConnectedBase` (connected).
template <class Derived, class H, class D, template <class, class, class> class Base>
class DatagramBase : public Base<Derived, H, D> {
    using Ops = DgramOps<H>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Sends every queued message of `b` in one `sendmmsg(2)`
    /// (`MSG_NOSIGNAL`); returns how many were sent (a prefix; see
    /// `SendBatch::remove_sent`). 0 for an empty batch, without a syscall.
    /// A connected socket sends them to the peer (messages queued with
    /// `push_connected`, or with the peer's address).
    [[nodiscard]] std::size_t send_batch(batch::SendBatch<D>& b, int flags = 0) const {
        return static_cast<std::size_t>(
            check(Ops::send_batch::call(this->h(), b.c_handle(), flags), Ops::send_batch::name));
    }
    /// Sends a batch, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_batch(batch::SendBatch<D>& b, int flags = 0) const noexcept {
        return size_result(Ops::send_batch::call(this->h(), b.c_handle(), flags));
    }
    /// Receives up to the batch's capacity of datagrams (a connected
    /// socket: of the peer's) in one `recvmmsg(2)`: 0 waits for them all,
    /// `batch::waitforone` for one, `MSG_DONTWAIT` for none. Returns how
    /// many arrived (never 0).
    [[nodiscard]] std::size_t recv_batch(batch::RecvBatch<D>& b, int flags = 0) const {
        return static_cast<std::size_t>(
            check(Ops::recv_batch::call(this->h(), b.c_handle(), flags), Ops::recv_batch::name));
    }
    /// Receives a batch, without throwing.
    [[nodiscard]] Result<std::size_t> try_recv_batch(batch::RecvBatch<D>& b, int flags = 0) const noexcept {
        return size_result(Ops::recv_batch::call(this->h(), b.c_handle(), flags));
    }

    /// Receives one datagram, or with `UDP_GRO` on several coalesced ones,
    /// into `buf` (use 65536 bytes). IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    GroRecv<Addr> recv_gro(void* buf, std::size_t len) const {
        wl_gro_recv out{};
        check_size(Ops::recv_gro::call(this->h(), buf, len, &out), Ops::recv_gro::name);
        return {out.len, out.segment_size, out.truncated, Access::addr<Addr>(out.source)};
    }
    /// A GRO receive, without throwing. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    Result<GroRecv<Addr>> try_recv_gro(void* buf, std::size_t len) const noexcept {
        wl_gro_recv out{};
        const ssize_t rc = Ops::recv_gro::call(this->h(), buf, len, &out);
        if (rc < 0) return fail(rc);
        return GroRecv<Addr>{out.len, out.segment_size, out.truncated, Access::addr<Addr>(out.source)};
    }

    /// Turns the receive-side metadata in `what` on or off (`setsockopt`
    /// `IP_RECVTOS`, `IP_PKTINFO`, `IP_RECVTTL`, `SO_TIMESTAMPNS` and their
    /// IPv6 forms). IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    void set_recv_meta(meta::Kind what, bool on) const {
        check(Ops::set_recv_meta::call(this->h(), static_cast<std::uint32_t>(what), on), Ops::set_recv_meta::name);
    }
    /// Turns receive-side metadata on or off, without throwing. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    Result<void> try_set_recv_meta(meta::Kind what, bool on) const noexcept {
        return void_result(Ops::set_recv_meta::call(this->h(), static_cast<std::uint32_t>(what), on));
    }
    /// Receives one datagram (a connected socket: from the peer) into `buf`
    /// with its metadata (`recvmsg(2)` with a stack control buffer).
    /// IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    meta::Recv<Addr> recv_meta(void* buf, std::size_t len) const {
        wl_udp_recv_meta out{};
        check_size(Ops::recv_meta::call(this->h(), buf, len, &out), Ops::recv_meta::name);
        return recv_meta_of<Addr>(out);
    }
    /// Receives one datagram with its metadata, without throwing. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    Result<meta::Recv<Addr>> try_recv_meta(void* buf, std::size_t len) const noexcept {
        wl_udp_recv_meta out{};
        const ssize_t rc = Ops::recv_meta::call(this->h(), buf, len, &out);
        if (rc < 0) return fail(rc);
        return recv_meta_of<Addr>(out);
    }

    /// Reads one queued error from the error queue (`MSG_ERRQUEUE`, after
    /// `set_recv_meta(meta::Kind::errors, true)`): the typed error with the
    /// offender's address; the offending payload goes into `buf` (`len` may
    /// be 0). Never waits: an empty queue throws EAGAIN (`try_recv_error`
    /// returns it). IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    meta::QueuedError<Addr> recv_error(void* buf = nullptr, std::size_t len = 0) const {
        wl_udp_queued_error out{};
        check_size(Ops::recv_error::call(this->h(), buf, len, &out), Ops::recv_error::name);
        return queued_of<Addr>(out);
    }
    /// Reads one queued error, without throwing (EAGAIN: none queued).
    /// IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    Result<meta::QueuedError<Addr>> try_recv_error(void* buf = nullptr, std::size_t len = 0) const noexcept {
        wl_udp_queued_error out{};
        const ssize_t rc = Ops::recv_error::call(this->h(), buf, len, &out);
        return queued_result<Addr>(rc, out);
    }
    /// Sets the path MTU discovery mode (`IP_MTU_DISCOVER` /
    /// `IPV6_MTU_DISCOVER`). IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    void set_mtu_discover(meta::PmtuDiscover mode) const {
        check(Ops::set_mtu_discover::call(this->h(), static_cast<int>(mode)), Ops::set_mtu_discover::name);
    }
    /// Sets the path MTU discovery mode, without throwing. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    Result<void> try_set_mtu_discover(meta::PmtuDiscover mode) const noexcept {
        return void_result(Ops::set_mtu_discover::call(this->h(), static_cast<int>(mode)));
    }
    /// The path MTU discovery mode. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    meta::PmtuDiscover mtu_discover() const {
        int mode = 0;
        check(Ops::mtu_discover::call(this->h(), &mode), Ops::mtu_discover::name);
        return static_cast<meta::PmtuDiscover>(mode);
    }
    /// The path MTU discovery mode, without throwing. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    Result<meta::PmtuDiscover> try_mtu_discover() const noexcept {
        int mode = 0;
        const int rc = Ops::mtu_discover::call(this->h(), &mode);
        return pmtu_result(rc, mode);
    }
    /// Receives one datagram into `buf` and its raw control messages into
    /// the caller's `control` buffer (`recvmsg(2)`); the result says how
    /// much the kernel wrote and whether it cut them (`MSG_CTRUNC`).
    /// `control` must outlive the result's `control` view. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    cmsg::Received<Addr> recv_cmsg(void* buf, std::size_t len, void* control, std::size_t control_capacity,
                                   int flags = 0) const {
        wl_cmsg_recv out{};
        check_size(Ops::recv_cmsg::call(this->h(), buf, len, control, control_capacity, flags, &out),
                   Ops::recv_cmsg::name);
        return cmsg_received_of<Addr>(out, control);
    }
    /// Receives with raw control messages, without throwing. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    Result<cmsg::Received<Addr>> try_recv_cmsg(void* buf, std::size_t len, void* control,
                                               std::size_t control_capacity, int flags = 0) const noexcept {
        wl_cmsg_recv out{};
        const ssize_t rc = Ops::recv_cmsg::call(this->h(), buf, len, control, control_capacity, flags, &out);
        return cmsg_result<Addr>(rc, out, control);
    }
    /// Receives up to `min(n, slots capacity)` datagrams in one
    /// `recvmmsg(2)`, datagram `i` into the caller's buffer `bufs[i]` and
    /// its sender and metadata into slot `i`; returns how many. `flags` as
    /// for `recv_batch`. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    std::size_t recv_slots(batch::RecvSlots<D>& slots, iovec* bufs, std::size_t n, int flags = 0) const {
        return static_cast<std::size_t>(
            check(Ops::recv_slots::call(this->h(), slots.c_handle(), bufs, n, flags), Ops::recv_slots::name));
    }
    /// Receives into caller buffers, without throwing. IPv4/IPv6 only.
    template <class DD = D, if_inet<DD> = 0>
    Result<std::size_t> try_recv_slots(batch::RecvSlots<D>& slots, iovec* bufs, std::size_t n,
                                       int flags = 0) const noexcept {
        return size_result(Ops::recv_slots::call(this->h(), slots.c_handle(), bufs, n, flags));
    }

protected:
    explicit DatagramBase(H* h) noexcept : Base<Derived, H, D>(h) {}
};

}  // namespace detail

// ---------------------------------------------------------------------------
// The states.
// ---------------------------------------------------------------------------

/// `RawSocket<D, T>` exists for `T` = `wl::Stream` and `wl::Datagram` only.
template <class D, class T>
class RawSocket {
    static_assert(detail::always_false<D, T>, "wirelane: RawSocket<D, T> needs T = wl::Stream or wl::Datagram");
};

/// A freshly created stream socket (`socket(2)`, close-on-exec): not bound,
/// not connected. It can `bind` (then `listen`), `connect` or
/// `connect_nonblocking`.
template <class D>
class [[nodiscard]] RawSocket<D, Stream> : public detail::SocketBase<RawSocket<D, Stream>, wl_raw, D> {
    using Base = detail::SocketBase<RawSocket<D, Stream>, wl_raw, D>;

public:
    /// `wl::Stream`.
    using socket_type = Stream;
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Creates the socket (`socket(2)` with `SOCK_CLOEXEC`); EMFILE, ...
    [[nodiscard]] static RawSocket create() {
        wl_raw* h = nullptr;
        detail::check(wl_raw_new(D::family, SOCK_STREAM, &h), "wl_raw_new");
        return RawSocket(h);
    }
    /// Creates the socket, without throwing.
    [[nodiscard]] static Result<RawSocket> try_create() noexcept {
        wl_raw* h = nullptr;
        const int rc = wl_raw_new(D::family, SOCK_STREAM, &h);
        if (rc < 0) return detail::fail(rc);
        return RawSocket(h);
    }

    /// Binds to a local address (`bind(2)`); port 0 picks a free port (read
    /// it with `local_addr()`). Consumes the socket on success; on failure
    /// (EADDRINUSE, EACCES, ...) throws and leaves it untouched.
    [[nodiscard]] BoundSocket<D, Stream> bind(const Addr& addr) && {
        return detail::transition<BoundSocket<D, Stream>>(
            *this, [&](wl_raw* h, wl_bound** out) { return wl_raw_bind(h, &addr.raw(), out); }, "wl_raw_bind");
    }
    /// Binds; on failure the error holds this socket.
    [[nodiscard]] Transition<BoundSocket<D, Stream>, RawSocket> try_bind(const Addr& addr) && {
        return detail::try_transition<BoundSocket<D, Stream>>(
            *this, [&](wl_raw* h, wl_bound** out) { return wl_raw_bind(h, &addr.raw(), out); });
    }
    /// Connects, blocking until the handshake completes (`connect(2)`);
    /// the write timeout bounds the wait. ECONNREFUSED, ETIMEDOUT, EINTR...
    [[nodiscard]] ConnectedStream<D> connect(const Addr& addr) && {
        return detail::transition<ConnectedStream<D>>(
            *this, [&](wl_raw* h, wl_conn** out) { return wl_raw_connect(h, &addr.raw(), out); }, "wl_raw_connect");
    }
    /// Connects; on failure the error holds this socket.
    [[nodiscard]] Transition<ConnectedStream<D>, RawSocket> try_connect(const Addr& addr) && {
        return detail::try_transition<ConnectedStream<D>>(
            *this, [&](wl_raw* h, wl_conn** out) { return wl_raw_connect(h, &addr.raw(), out); });
    }
    /// Starts a connect without waiting (`O_NONBLOCK` + `connect(2)`): wait
    /// for writability on `fd()` (or `wait()`), then `finish()`.
    [[nodiscard]] PendingConnect<D> connect_nonblocking(const Addr& addr) && {
        return detail::transition<PendingConnect<D>>(
            *this, [&](wl_raw* h, wl_pending** out) { return wl_raw_connect_nonblocking(h, &addr.raw(), out); },
            "wl_raw_connect_nonblocking");
    }
    /// Starts a connect; on an immediate failure the error holds this socket.
    [[nodiscard]] Transition<PendingConnect<D>, RawSocket> try_connect_nonblocking(const Addr& addr) && {
        return detail::try_transition<PendingConnect<D>>(
            *this, [&](wl_raw* h, wl_pending** out) { return wl_raw_connect_nonblocking(h, &addr.raw(), out); });
    }

    WL_HPP_CONSUMES(bind)
    WL_HPP_CONSUMES(try_bind)
    WL_HPP_CONSUMES(connect)
    WL_HPP_CONSUMES(try_connect)
    WL_HPP_CONSUMES(connect_nonblocking)
    WL_HPP_CONSUMES(try_connect_nonblocking)
    WL_HPP_WRONG_ADDR(bind, BoundSocket<D WL_HPP_COMMA Stream>)
    WL_HPP_WRONG_ADDR(try_bind, Transition<BoundSocket<D WL_HPP_COMMA Stream> WL_HPP_COMMA RawSocket>)
    WL_HPP_WRONG_ADDR(connect, ConnectedStream<D>)
    WL_HPP_WRONG_ADDR(try_connect, Transition<ConnectedStream<D> WL_HPP_COMMA RawSocket>)
    WL_HPP_WRONG_ADDR(connect_nonblocking, PendingConnect<D>)
    WL_HPP_WRONG_ADDR(try_connect_nonblocking, Transition<PendingConnect<D> WL_HPP_COMMA RawSocket>)

private:
    friend struct detail::Access;
    explicit RawSocket(wl_raw* h) noexcept : Base(h) {}
};

/// A freshly created datagram socket: it can `bind` (any peer) or
/// `connect` (one peer).
template <class D>
class [[nodiscard]] RawSocket<D, Datagram> : public detail::SocketBase<RawSocket<D, Datagram>, wl_raw, D> {
    using Base = detail::SocketBase<RawSocket<D, Datagram>, wl_raw, D>;

public:
    /// `wl::Datagram`.
    using socket_type = Datagram;
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Creates the socket (`socket(2)` with `SOCK_CLOEXEC`).
    [[nodiscard]] static RawSocket create() {
        wl_raw* h = nullptr;
        detail::check(wl_raw_new(D::family, SOCK_DGRAM, &h), "wl_raw_new");
        return RawSocket(h);
    }
    /// Creates the socket, without throwing.
    [[nodiscard]] static Result<RawSocket> try_create() noexcept {
        wl_raw* h = nullptr;
        const int rc = wl_raw_new(D::family, SOCK_DGRAM, &h);
        if (rc < 0) return detail::fail(rc);
        return RawSocket(h);
    }

    /// Binds to a local address (`bind(2)`): the result sends to and
    /// receives from anyone.
    [[nodiscard]] BoundDatagram<D> bind(const Addr& addr) && {
        return detail::transition<BoundDatagram<D>>(
            *this, [&](wl_raw* h, wl_dgram** out) { return wl_raw_bind_dgram(h, &addr.raw(), out); },
            "wl_raw_bind_dgram");
    }
    /// Binds; on failure the error holds this socket.
    [[nodiscard]] Transition<BoundDatagram<D>, RawSocket> try_bind(const Addr& addr) && {
        return detail::try_transition<BoundDatagram<D>>(
            *this, [&](wl_raw* h, wl_dgram** out) { return wl_raw_bind_dgram(h, &addr.raw(), out); });
    }
    /// Fixes the peer (`connect(2)`; nothing is sent); the kernel picks
    /// the local address and drops datagrams from anyone else.
    [[nodiscard]] ConnectedDatagram<D> connect(const Addr& addr) && {
        return detail::transition<ConnectedDatagram<D>>(
            *this, [&](wl_raw* h, wl_dgram_conn** out) { return wl_raw_connect_dgram(h, &addr.raw(), out); },
            "wl_raw_connect_dgram");
    }
    /// Fixes the peer; on failure the error holds this socket.
    [[nodiscard]] Transition<ConnectedDatagram<D>, RawSocket> try_connect(const Addr& addr) && {
        return detail::try_transition<ConnectedDatagram<D>>(
            *this, [&](wl_raw* h, wl_dgram_conn** out) { return wl_raw_connect_dgram(h, &addr.raw(), out); });
    }

    WL_HPP_CONSUMES(bind)
    WL_HPP_CONSUMES(try_bind)
    WL_HPP_CONSUMES(connect)
    WL_HPP_CONSUMES(try_connect)
    WL_HPP_WRONG_ADDR(bind, BoundDatagram<D>)
    WL_HPP_WRONG_ADDR(try_bind, Transition<BoundDatagram<D> WL_HPP_COMMA RawSocket>)
    WL_HPP_WRONG_ADDR(connect, ConnectedDatagram<D>)
    WL_HPP_WRONG_ADDR(try_connect, Transition<ConnectedDatagram<D> WL_HPP_COMMA RawSocket>)

private:
    friend struct detail::Access;
    explicit RawSocket(wl_raw* h) noexcept : Base(h) {}
};

/// A stream socket bound to a local address, not yet listening. Its one
/// transition is `listen`. (`T` is always `wl::Stream`: a bound datagram
/// socket is a `BoundDatagram<D>`.)
template <class D, class T>
class [[nodiscard]] BoundSocket : public detail::SocketBase<BoundSocket<D, T>, wl_bound, D> {
    static_assert(std::is_same_v<T, Stream>,
                  "wirelane: a bound datagram socket is wl::BoundDatagram<D>; BoundSocket<D, T> needs T = wl::Stream");
    using Base = detail::SocketBase<BoundSocket<D, T>, wl_bound, D>;

public:
    /// Starts listening (`listen(2)`) with up to `backlog` pending
    /// connections (the kernel caps it at `net.core.somaxconn`).
    [[nodiscard]] Listener<D> listen(unsigned int backlog) && {
        return detail::transition<Listener<D>>(
            *this, [&](wl_bound* h, wl_listener** out) { return wl_bound_listen(h, backlog, out); },
            "wl_bound_listen");
    }
    /// Starts listening; on failure the error holds this socket.
    [[nodiscard]] Transition<Listener<D>, BoundSocket> try_listen(unsigned int backlog) && {
        return detail::try_transition<Listener<D>>(
            *this, [&](wl_bound* h, wl_listener** out) { return wl_bound_listen(h, backlog, out); });
    }
    WL_HPP_CONSUMES(listen)
    WL_HPP_CONSUMES(try_listen)

private:
    friend struct detail::Access;
    explicit BoundSocket(wl_bound* h) noexcept : Base(h) {}
};

/// A listening stream socket: it accepts connections (accepting borrows
/// it; several threads may accept at once).
template <class D>
class [[nodiscard]] Listener : public detail::SocketBase<Listener<D>, wl_listener, D> {
    using Base = detail::SocketBase<Listener<D>, wl_listener, D>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Accepts one connection (`accept4(2)`, close-on-exec). Blocks unless
    /// non-blocking (then EAGAIN when none is pending); the read timeout
    /// bounds the wait. The accepted socket is blocking.
    [[nodiscard]] ConnectedStream<D> accept() const {
        wl_conn* out = nullptr;
        detail::check(wl_listener_accept(this->h(), &out, nullptr), "wl_listener_accept");
        return detail::Access::make<ConnectedStream<D>>(out);
    }
    /// Accepts one connection, without throwing.
    [[nodiscard]] Result<ConnectedStream<D>> try_accept() const noexcept {
        wl_conn* out = nullptr;
        const int rc = wl_listener_accept(this->h(), &out, nullptr);
        if (rc < 0) return detail::fail(rc);
        return detail::Access::make<ConnectedStream<D>>(out);
    }
    /// Accepts one connection and returns it with the client's address:
    /// `auto [conn, peer] = listener.accept_with_addr();`
    [[nodiscard]] std::pair<ConnectedStream<D>, Addr> accept_with_addr() const {
        wl_conn* out = nullptr;
        wl_addr peer{};
        detail::check(wl_listener_accept(this->h(), &out, &peer), "wl_listener_accept");
        return {detail::Access::make<ConnectedStream<D>>(out), detail::Access::addr<Addr>(peer)};
    }
    /// Accepts with the client's address, without throwing.
    [[nodiscard]] Result<std::pair<ConnectedStream<D>, Addr>> try_accept_with_addr() const noexcept {
        wl_conn* out = nullptr;
        wl_addr peer{};
        const int rc = wl_listener_accept(this->h(), &out, &peer);
        if (rc < 0) return detail::fail(rc);
        return std::pair<ConnectedStream<D>, Addr>(detail::Access::make<ConnectedStream<D>>(out),
                                                   detail::Access::addr<Addr>(peer));
    }

    /// A second object for the same listening socket (`F_DUPFD_CLOEXEC`),
    /// e.g. one per accepting thread; it listens until both are gone.
    [[nodiscard]] Listener clone() const {
        wl_listener* out = nullptr;
        detail::check(wl_listener_try_clone(this->h(), &out), "wl_listener_try_clone");
        return Listener(out);
    }
    /// A second object for the same listening socket, without throwing.
    [[nodiscard]] Result<Listener> try_clone() const noexcept {
        wl_listener* out = nullptr;
        const int rc = wl_listener_try_clone(this->h(), &out);
        if (rc < 0) return detail::fail(rc);
        return Listener(out);
    }

private:
    friend struct detail::Access;
    explicit Listener(wl_listener* h) noexcept : Base(h) {}
};

/// A connected stream: TCP over IPv4/IPv6, or a Unix stream.
template <class D>
class [[nodiscard]] ConnectedStream : public detail::ConnectedBase<ConnectedStream<D>, wl_conn, D> {
    using Base = detail::ConnectedBase<ConnectedStream<D>, wl_conn, D>;

public:
    /// Shuts down one or both directions (`shutdown(2)`); after
    /// `Shutdown::Write` the peer reads end-of-stream. The object stays valid.
    void shutdown(Shutdown how) const {
        detail::check(wl_conn_shutdown(this->h(), static_cast<int>(how)), "wl_conn_shutdown");
    }
    /// Shuts down, without throwing.
    Result<void> try_shutdown(Shutdown how) const noexcept {
        return detail::void_result(wl_conn_shutdown(this->h(), static_cast<int>(how)));
    }
    /// The Unix peer's credentials at connect time (`SO_PEERCRED`). Unix only.
    template <class DD = D, detail::if_unix<DD> = 0>
    UCred peer_credentials() const {
        UCred c{};
        detail::check(wl_conn_peer_credentials(this->h(), &c), "wl_conn_peer_credentials");
        return c;
    }
    /// The Unix peer's credentials, without throwing. Unix only.
    template <class DD = D, detail::if_unix<DD> = 0>
    Result<UCred> try_peer_credentials() const noexcept {
        UCred c{};
        const int rc = wl_conn_peer_credentials(this->h(), &c);
        if (rc < 0) return detail::fail(rc);
        return c;
    }

    /// Sends all of `bytes` before the deadline, retrying short sends,
    /// EINTR, EAGAIN and ENOBUFS (this helper's job is to loop); works on
    /// blocking and non-blocking sockets. `timeout` bounds the whole call
    /// (std::nullopt: none); `cancel`, if given, is checked before every
    /// send and at least every 50 ms while waiting. `*sent` (if given)
    /// receives the bytes handed to the kernel, on success and failure.
    /// Throws ETIMEDOUT, ECANCELED, or the send error (EPIPE, ...).
    void send_all(std::string_view bytes, std::optional<std::chrono::milliseconds> timeout = std::nullopt,
                  const std::atomic<bool>* cancel = nullptr, std::size_t* sent = nullptr) const {
        send_all(bytes.data(), bytes.size(), timeout, cancel, sent);
    }
    /// Sends all `len` bytes at `data` (see the string_view form).
    void send_all(const void* data, std::size_t len, std::optional<std::chrono::milliseconds> timeout = std::nullopt,
                  const std::atomic<bool>* cancel = nullptr, std::size_t* sent = nullptr) const {
        detail::check(wl_conn_send_all(this->h(), data, len, detail::poll_ms(timeout), cancel, sent), "wl_conn_send_all");
    }
    /// Sends all of `bytes`, without throwing.
    Result<void> try_send_all(std::string_view bytes, std::optional<std::chrono::milliseconds> timeout = std::nullopt,
                              const std::atomic<bool>* cancel = nullptr, std::size_t* sent = nullptr) const noexcept {
        return detail::void_result(
            wl_conn_send_all(this->h(), bytes.data(), bytes.size(), detail::poll_ms(timeout), cancel, sent));
    }
    /// Receives up to and including the first `terminator`, at most
    /// `max_len` bytes into `buf`, before the deadline; never consumes a
    /// byte past the terminator. Returns the bytes received (terminator
    /// included); throws EINVAL (`max_len` bytes without it: all consumed),
    /// ENODATA (the peer closed first), ETIMEDOUT. `*consumed` (if given)
    /// receives the bytes consumed, on success and failure.
    std::size_t recv_until(std::string_view terminator, void* buf, std::size_t max_len,
                           std::optional<std::chrono::milliseconds> timeout = std::nullopt,
                           std::size_t* consumed = nullptr) const {
        return detail::check_size(wl_conn_recv_until(this->h(), terminator.data(), terminator.size(), buf, max_len,
                                                     detail::poll_ms(timeout), consumed),
                                  "wl_conn_recv_until");
    }
    /// Receives up to and including `terminator` into a new string (at
    /// most `max_len` bytes). On an error the bytes already consumed go
    /// with the string; to keep them, use the buffer form with `consumed`.
    std::string recv_until(std::string_view terminator, std::size_t max_len,
                           std::optional<std::chrono::milliseconds> timeout = std::nullopt) const {
        std::string out(max_len, '\0');
        out.resize(recv_until(terminator, out.data(), max_len, timeout));
        return out;
    }
    /// Receives up to a terminator, without throwing.
    Result<std::size_t> try_recv_until(std::string_view terminator, void* buf, std::size_t max_len,
                                       std::optional<std::chrono::milliseconds> timeout = std::nullopt,
                                       std::size_t* consumed = nullptr) const noexcept {
        return detail::size_result(wl_conn_recv_until(this->h(), terminator.data(), terminator.size(), buf, max_len,
                                                      detail::poll_ms(timeout), consumed));
    }
    /// Probes the connection without consuming data and without blocking:
    /// true while open, false once the peer closed its side in order and
    /// everything it sent was read; throws the connection's error.
    bool is_connected() const { return detail::check(wl_conn_is_connected(this->h()), "wl_conn_is_connected") == 1; }
    /// Probes the connection, without throwing.
    Result<bool> try_is_connected() const noexcept {
        const int rc = wl_conn_is_connected(this->h());
        if (rc < 0) return detail::fail(rc);
        return rc == 1;
    }
    /// Sends up to `len` bytes of the file `file` (a descriptor or an
    /// `OwnedFd`, still the caller's) in one `sendfile(2)`, without copying
    /// through user space. With `offset` it reads from `*offset` and
    /// advances it (the file position is untouched); with nullptr it uses
    /// the file position. Returns the bytes sent (0 at end of file).
    template <class F>
    std::size_t sendfile(const F& file, std::uint64_t* offset, std::size_t len) const {
        return detail::check_size(wl_conn_sendfile(this->h(), detail::fd_of(file), offset, len), "wl_conn_sendfile");
    }
    /// One `sendfile(2)`, without throwing.
    template <class F>
    Result<std::size_t> try_sendfile(const F& file, std::uint64_t* offset, std::size_t len) const noexcept {
        return detail::size_result(wl_conn_sendfile(this->h(), detail::try_fd_of(file), offset, len));
    }
    /// Sends `len` bytes of the file with as many `sendfile(2)` calls as it
    /// takes (EINTR retried, EAGAIN waited out); `*offset` is updated after
    /// every call, so after an error it says how far it got. Returns the
    /// bytes sent (fewer only at end of file).
    template <class F>
    std::uint64_t sendfile_all(const F& file, std::uint64_t* offset, std::uint64_t len) const {
        return detail::check_size(wl_conn_sendfile_all(this->h(), detail::fd_of(file), offset, len),
                                  "wl_conn_sendfile_all");
    }
    /// `sendfile_all`, without throwing.
    template <class F>
    Result<std::uint64_t> try_sendfile_all(const F& file, std::uint64_t* offset, std::uint64_t len) const noexcept {
        const ssize_t rc = wl_conn_sendfile_all(this->h(), detail::try_fd_of(file), offset, len);
        if (rc < 0) return detail::fail(rc);
        return static_cast<std::uint64_t>(rc);
    }
    /// Sends with `MSG_ZEROCOPY` (enable `zerocopy::set_zerocopy` first):
    /// the kernel reads `data` AFTER this returns, so it must stay valid
    /// and unchanged until a completion covers this send's id (ids count
    /// 0, 1, 2, ... per socket). ENOBUFS: read completions first. TCP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    std::size_t send_zerocopy(const void* data, std::size_t len) const {
        return detail::check_size(wl_conn_send_zerocopy(this->h(), data, len), "wl_conn_send_zerocopy");
    }
    /// A zero-copy send, without throwing. TCP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<std::size_t> try_send_zerocopy(const void* data, std::size_t len) const noexcept {
        return detail::size_result(wl_conn_send_zerocopy(this->h(), data, len));
    }
    /// Reads one `MSG_ZEROCOPY` completion without blocking: std::nullopt
    /// when none is waiting. TCP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    std::optional<wl_zerocopy_completion> recv_zerocopy_completion() const {
        wl_zerocopy_completion c{};
        const int rc = detail::check(wl_conn_recv_zerocopy_completion(this->h(), &c), "wl_conn_recv_zerocopy_completion");
        return rc == 1 ? std::optional<wl_zerocopy_completion>(c) : std::nullopt;
    }
    /// Waits up to `timeout` (std::nullopt: forever) for a completion:
    /// std::nullopt on timeout. TCP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    std::optional<wl_zerocopy_completion> wait_zerocopy_completion(
        std::optional<std::chrono::milliseconds> timeout = std::nullopt) const {
        wl_zerocopy_completion c{};
        const int rc = detail::check(wl_conn_wait_zerocopy_completion(this->h(), detail::poll_ms(timeout), &c),
                                     "wl_conn_wait_zerocopy_completion");
        return rc == 1 ? std::optional<wl_zerocopy_completion>(c) : std::nullopt;
    }

private:
    friend struct detail::Access;
    explicit ConnectedStream(wl_conn* h) noexcept : Base(h) {}
};

/// A stream connect that was started and may not have completed. Register
/// `fd()` for writability with an event loop (or call `wait`), then
/// `finish()`. The socket is non-blocking (and stays so once connected).
template <class D>
class [[nodiscard]] PendingConnect : public detail::SocketBase<PendingConnect<D>, wl_pending, D> {
    using Base = detail::SocketBase<PendingConnect<D>, wl_pending, D>;

public:
    /// Waits (`poll(2)` for `POLLOUT`) until the connect resolved, one way
    /// or the other: true then (call `finish`); EINTR on a signal.
    bool wait() const { return detail::check(wl_pending_wait(this->h(), -1), "wl_pending_wait") == 1; }
    /// Waits at most `timeout` (rounded up to milliseconds): false on timeout.
    template <class Rep, class Period>
    bool wait(std::chrono::duration<Rep, Period> timeout) const {
        return detail::check(wl_pending_wait(this->h(), poll_ms(timeout)), "wl_pending_wait") == 1;
    }
    /// Waits until resolved, without throwing.
    Result<bool> try_wait() const noexcept { return wait_result(wl_pending_wait(this->h(), -1)); }
    /// Waits at most `timeout`, without throwing.
    template <class Rep, class Period>
    Result<bool> try_wait(std::chrono::duration<Rep, Period> timeout) const noexcept {
        return wait_result(wl_pending_wait(this->h(), poll_ms(timeout)));
    }
    /// Completes the connect if it succeeded. Throws (leaving this object
    /// untouched) EAGAIN while the handshake is in flight, or the connect's
    /// own error (ECONNREFUSED, ...) once it failed.
    [[nodiscard]] ConnectedStream<D> finish() && {
        return detail::transition<ConnectedStream<D>>(
            *this, [](wl_pending* h, wl_conn** out) { return wl_pending_finish(h, out); }, "wl_pending_finish");
    }
    /// Completes the connect; on failure the error holds this object.
    [[nodiscard]] Transition<ConnectedStream<D>, PendingConnect> try_finish() && {
        return detail::try_transition<ConnectedStream<D>>(
            *this, [](wl_pending* h, wl_conn** out) { return wl_pending_finish(h, out); });
    }
    WL_HPP_CONSUMES(finish)
    WL_HPP_CONSUMES(try_finish)

private:
    friend struct detail::Access;
    explicit PendingConnect(wl_pending* h) noexcept : Base(h) {}
    template <class Rep, class Period>
    static int poll_ms(std::chrono::duration<Rep, Period> timeout) noexcept {
        if (timeout <= std::chrono::duration<Rep, Period>::zero()) return 0;
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
        return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
    }
    static Result<bool> wait_result(int rc) noexcept {
        if (rc < 0) return detail::fail(rc);
        return rc == 1;
    }
};

/// A bound datagram socket: it sends to and receives from anyone, naming
/// the peer on each `send_to` and learning it on each `recv_from`.
/// `connect` fixes one peer.
template <class D>
class [[nodiscard]] BoundDatagram
    : public detail::DatagramBase<BoundDatagram<D>, wl_dgram, D, detail::SocketBase> {
    using Base = detail::DatagramBase<BoundDatagram<D>, wl_dgram, D, detail::SocketBase>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Sends one datagram to `to` (`sendto(2)`, `MSG_NOSIGNAL`); EMSGSIZE
    /// when too large.
    [[nodiscard]] std::size_t send_to(const void* data, std::size_t len, const Addr& to) const {
        return send_to_with_flags(data, len, to, 0);
    }
    /// Sends one datagram to `to`.
    [[nodiscard]] std::size_t send_to(std::string_view bytes, const Addr& to) const {
        return send_to_with_flags(bytes.data(), bytes.size(), to, 0);
    }
    /// Sends one datagram with `MSG_*` flags.
    [[nodiscard]] std::size_t send_to_with_flags(const void* data, std::size_t len, const Addr& to, int flags) const {
        return detail::check_size(wl_dgram_send_to(this->h(), data, len, &to.raw(), flags), "wl_dgram_send_to");
    }
    /// Sends one datagram with `MSG_*` flags.
    [[nodiscard]] std::size_t send_to_with_flags(std::string_view bytes, const Addr& to, int flags) const {
        return send_to_with_flags(bytes.data(), bytes.size(), to, flags);
    }
    /// Sends one datagram, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_to(const void* data, std::size_t len, const Addr& to) const noexcept {
        return try_send_to_with_flags(data, len, to, 0);
    }
    /// Sends one datagram, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_to(std::string_view bytes, const Addr& to) const noexcept {
        return try_send_to_with_flags(bytes.data(), bytes.size(), to, 0);
    }
    /// Sends one datagram with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_to_with_flags(const void* data, std::size_t len, const Addr& to,
                                                             int flags) const noexcept {
        return detail::size_result(wl_dgram_send_to(this->h(), data, len, &to.raw(), flags));
    }
    /// Sends one datagram with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_to_with_flags(std::string_view bytes, const Addr& to,
                                                             int flags) const noexcept {
        return try_send_to_with_flags(bytes.data(), bytes.size(), to, flags);
    }

    /// Receives one datagram (`recvfrom(2)`), truncated to `len`: returns
    /// its length and sender, `auto [n, from] = sock.recv_from(buf, len);`
    [[nodiscard]] std::pair<std::size_t, Addr> recv_from(void* data, std::size_t len) const {
        return recv_from_with_flags(data, len, 0);
    }
    /// Receives one datagram with `MSG_*` flags (`MSG_TRUNC` returns the
    /// real length, `MSG_PEEK` leaves it queued).
    [[nodiscard]] std::pair<std::size_t, Addr> recv_from_with_flags(void* data, std::size_t len, int flags) const {
        wl_addr from{};
        const std::size_t n =
            detail::check_size(wl_dgram_recv_from(this->h(), data, len, &from, flags), "wl_dgram_recv_from");
        return {n, detail::Access::addr<Addr>(from)};
    }
    /// Reads the next datagram and its sender without dequeuing it.
    [[nodiscard]] std::pair<std::size_t, Addr> peek_from(void* data, std::size_t len) const {
        return recv_from_with_flags(data, len, MSG_PEEK);
    }
    /// Receives one datagram, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_recv_from(void* data, std::size_t len) const noexcept {
        return try_recv_from_with_flags(data, len, 0);
    }
    /// Receives one datagram with flags, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_recv_from_with_flags(void* data, std::size_t len,
                                                                                int flags) const noexcept {
        wl_addr from{};
        const ssize_t rc = wl_dgram_recv_from(this->h(), data, len, &from, flags);
        if (rc < 0) return detail::fail(rc);
        return std::pair<std::size_t, Addr>(static_cast<std::size_t>(rc), detail::Access::addr<Addr>(from));
    }
    /// Peeks at the next datagram, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_peek_from(void* data, std::size_t len) const noexcept {
        return try_recv_from_with_flags(data, len, MSG_PEEK);
    }

#if WL_HPP_HAS_SPAN
    /// Sends one datagram to `to`.
    [[nodiscard]] std::size_t send_to(std::span<const std::byte> bytes, const Addr& to) const {
        return send_to_with_flags(bytes.data(), bytes.size(), to, 0);
    }
    /// Sends one datagram with flags.
    [[nodiscard]] std::size_t send_to_with_flags(std::span<const std::byte> bytes, const Addr& to, int flags) const {
        return send_to_with_flags(bytes.data(), bytes.size(), to, flags);
    }
    /// Sends one datagram, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_to(std::span<const std::byte> bytes, const Addr& to) const noexcept {
        return try_send_to_with_flags(bytes.data(), bytes.size(), to, 0);
    }
    /// Sends one datagram with flags, without throwing.
    [[nodiscard]] Result<std::size_t> try_send_to_with_flags(std::span<const std::byte> bytes, const Addr& to,
                                                             int flags) const noexcept {
        return try_send_to_with_flags(bytes.data(), bytes.size(), to, flags);
    }
    /// Receives one datagram into `buf`.
    [[nodiscard]] std::pair<std::size_t, Addr> recv_from(std::span<std::byte> buf) const {
        return recv_from(buf.data(), buf.size());
    }
    /// Receives one datagram into `buf`.
    [[nodiscard]] std::pair<std::size_t, Addr> recv_from(std::span<char> buf) const {
        return recv_from(buf.data(), buf.size());
    }
    /// Receives one datagram into `buf` with flags.
    [[nodiscard]] std::pair<std::size_t, Addr> recv_from_with_flags(std::span<std::byte> buf, int flags) const {
        return recv_from_with_flags(buf.data(), buf.size(), flags);
    }
    /// Receives one datagram into `buf` with flags.
    [[nodiscard]] std::pair<std::size_t, Addr> recv_from_with_flags(std::span<char> buf, int flags) const {
        return recv_from_with_flags(buf.data(), buf.size(), flags);
    }
    /// Peeks at the next datagram.
    [[nodiscard]] std::pair<std::size_t, Addr> peek_from(std::span<std::byte> buf) const {
        return peek_from(buf.data(), buf.size());
    }
    /// Peeks at the next datagram.
    [[nodiscard]] std::pair<std::size_t, Addr> peek_from(std::span<char> buf) const {
        return peek_from(buf.data(), buf.size());
    }
    /// Receives one datagram, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_recv_from(std::span<std::byte> buf) const noexcept {
        return try_recv_from(buf.data(), buf.size());
    }
    /// Receives one datagram, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_recv_from(std::span<char> buf) const noexcept {
        return try_recv_from(buf.data(), buf.size());
    }
    /// Receives one datagram with flags, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_recv_from_with_flags(std::span<std::byte> buf,
                                                                                int flags) const noexcept {
        return try_recv_from_with_flags(buf.data(), buf.size(), flags);
    }
    /// Receives one datagram with flags, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_recv_from_with_flags(std::span<char> buf,
                                                                                int flags) const noexcept {
        return try_recv_from_with_flags(buf.data(), buf.size(), flags);
    }
    /// Peeks at the next datagram, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_peek_from(std::span<std::byte> buf) const noexcept {
        return try_peek_from(buf.data(), buf.size());
    }
    /// Peeks at the next datagram, without throwing.
    [[nodiscard]] Result<std::pair<std::size_t, Addr>> try_peek_from(std::span<char> buf) const noexcept {
        return try_peek_from(buf.data(), buf.size());
    }
#endif

    /// Sends each (payload, address) pair of `messages` (any range of pairs
    /// whose `first` converts to std::string_view and `second` is `Addr`)
    /// as its own datagram in one `sendmmsg(2)`. Returns the bytes sent for
    /// each message sent (fewer entries when the kernel sent a prefix).
    /// Allocates the message array; a `SendBatch` does not.
    template <class Messages>
    [[nodiscard]] std::vector<std::size_t> sendmmsg(const Messages& messages) const {
        std::vector<wl_mmsg> msgs;
        for (const auto& m : messages) {
            static_assert(std::is_same_v<std::decay_t<decltype(m.second)>, Addr>,
                          "wirelane: sendmmsg takes (payload, D::Addr) pairs of the socket's domain");
            const std::string_view payload(m.first);
            msgs.push_back(wl_mmsg{payload.data(), payload.size(), &m.second.raw()});
        }
        std::vector<std::size_t> lens(msgs.size());
        if (msgs.empty()) return lens;
        const int n = detail::check(wl_dgram_sendmmsg(this->h(), msgs.data(), msgs.size(), lens.data()),
                                    "wl_dgram_sendmmsg");
        lens.resize(static_cast<std::size_t>(n));
        return lens;
    }
    /// Sends `len` bytes to `to` as datagrams of `segment_size` bytes in one
    /// `sendmsg(2)` with `UDP_SEGMENT` (GSO), or one `sendmmsg` when the
    /// kernel refuses GSO (the result says which). IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    SegmentedSend send_to_segmented(const void* data, std::size_t len, std::uint16_t segment_size,
                                    const Addr& to) const {
        wl_segmented_send out{};
        detail::check_size(wl_dgram_send_to_segmented(this->h(), data, len, segment_size, &to.raw(), &out),
                           "wl_dgram_send_to_segmented");
        return detail::segmented_of(out);
    }
    /// Sends `bytes` to `to` in segments (GSO). IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    SegmentedSend send_to_segmented(std::string_view bytes, std::uint16_t segment_size, const Addr& to) const {
        return send_to_segmented(bytes.data(), bytes.size(), segment_size, to);
    }
    /// A segmented send, without throwing. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<SegmentedSend> try_send_to_segmented(std::string_view bytes, std::uint16_t segment_size,
                                                const Addr& to) const noexcept {
        wl_segmented_send out{};
        const ssize_t rc =
            wl_dgram_send_to_segmented(this->h(), bytes.data(), bytes.size(), segment_size, &to.raw(), &out);
        if (rc < 0) return detail::fail(rc);
        return detail::segmented_of(out);
    }
    /// Sends one datagram to `to` with the metadata in `m` (`sendmsg(2)`
    /// with control messages, `MSG_NOSIGNAL`). IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    std::size_t send_meta(std::string_view bytes, const Addr& to, const meta::Send<Addr>& m) const {
        const wl_udp_send_meta c = detail::send_meta_of(m);
        return detail::check_size(wl_dgram_send_meta(this->h(), bytes.data(), bytes.size(), &to.raw(), &c),
                                  "wl_dgram_send_meta");
    }
    /// Sends one datagram with metadata, without throwing. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<std::size_t> try_send_meta(std::string_view bytes, const Addr& to,
                                      const meta::Send<Addr>& m) const noexcept {
        const wl_udp_send_meta c = detail::send_meta_of(m);
        return detail::size_result(wl_dgram_send_meta(this->h(), bytes.data(), bytes.size(), &to.raw(), &c));
    }
    /// Sends one datagram to `to` with the control messages of `control`
    /// (`sendmsg(2)`, `MSG_NOSIGNAL`); a malformed buffer is EINVAL naming
    /// its offset. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    std::size_t send_cmsg(std::string_view bytes, const Addr& to, const cmsg::Builder& control, int flags = 0) const {
        return detail::check_size(wl_dgram_send_cmsg(this->h(), bytes.data(), bytes.size(), &to.raw(), control.data(),
                                                     control.size(), flags),
                                  "wl_dgram_send_cmsg");
    }
    /// Sends with control messages, without throwing. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<std::size_t> try_send_cmsg(std::string_view bytes, const Addr& to, const cmsg::Builder& control,
                                      int flags = 0) const noexcept {
        return detail::size_result(wl_dgram_send_cmsg(this->h(), bytes.data(), bytes.size(), &to.raw(),
                                                      control.data(), control.size(), flags));
    }

    /// A second object for the same socket (`fcntl(F_DUPFD_CLOEXEC)`).
    [[nodiscard]] BoundDatagram clone() const {
        wl_dgram* out = nullptr;
        detail::check(wl_dgram_try_clone(this->h(), &out), "wl_dgram_try_clone");
        return BoundDatagram(out);
    }
    /// A second object for the same socket, without throwing.
    [[nodiscard]] Result<BoundDatagram> try_clone() const noexcept {
        wl_dgram* out = nullptr;
        const int rc = wl_dgram_try_clone(this->h(), &out);
        if (rc < 0) return detail::fail(rc);
        return BoundDatagram(out);
    }

    /// Fixes the peer (`connect(2)`; nothing is sent): sends go to `addr`
    /// and the kernel drops datagrams from anyone else.
    [[nodiscard]] ConnectedDatagram<D> connect(const Addr& addr) && {
        return detail::transition<ConnectedDatagram<D>>(
            *this, [&](wl_dgram* h, wl_dgram_conn** out) { return wl_dgram_connect(h, &addr.raw(), out); },
            "wl_dgram_connect");
    }
    /// Fixes the peer; on failure the error holds this socket.
    [[nodiscard]] Transition<ConnectedDatagram<D>, BoundDatagram> try_connect(const Addr& addr) && {
        return detail::try_transition<ConnectedDatagram<D>>(
            *this, [&](wl_dgram* h, wl_dgram_conn** out) { return wl_dgram_connect(h, &addr.raw(), out); });
    }
    WL_HPP_CONSUMES(connect)
    WL_HPP_CONSUMES(try_connect)
    WL_HPP_WRONG_ADDR(connect, ConnectedDatagram<D>)
    WL_HPP_WRONG_ADDR(try_connect, Transition<ConnectedDatagram<D> WL_HPP_COMMA BoundDatagram>)

private:
    friend struct detail::Access;
    explicit BoundDatagram(wl_dgram* h) noexcept : Base(h) {}
};

/// A datagram socket locked to one peer: sends and receives take no
/// address and the kernel drops datagrams from anyone else (how QUIC uses
/// UDP). A send may fail with ECONNREFUSED after the peer refused an
/// earlier datagram.
template <class D>
class [[nodiscard]] ConnectedDatagram
    : public detail::DatagramBase<ConnectedDatagram<D>, wl_dgram_conn, D, detail::ConnectedBase> {
    using Base = detail::DatagramBase<ConnectedDatagram<D>, wl_dgram_conn, D, detail::ConnectedBase>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Sends each payload of `payloads` (any range of things that convert
    /// to std::string_view) as its own datagram to the peer, in one
    /// `sendmmsg(2)`. Returns the bytes sent for each message sent.
    template <class Payloads>
    [[nodiscard]] std::vector<std::size_t> sendmmsg(const Payloads& payloads) const {
        std::vector<iovec> msgs;
        for (const auto& p : payloads) {
            const std::string_view bytes(p);
            msgs.push_back(iovec{const_cast<char*>(bytes.data()), bytes.size()});  // sendmmsg only reads
        }
        std::vector<std::size_t> lens(msgs.size());
        if (msgs.empty()) return lens;
        const int n = detail::check(wl_dgram_conn_sendmmsg(this->h(), msgs.data(), msgs.size(), lens.data()),
                                    "wl_dgram_conn_sendmmsg");
        lens.resize(static_cast<std::size_t>(n));
        return lens;
    }
    /// Sends `len` bytes to the peer as datagrams of `segment_size` bytes
    /// (GSO, or `sendmmsg` when the kernel refuses). IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    SegmentedSend send_segmented(const void* data, std::size_t len, std::uint16_t segment_size) const {
        wl_segmented_send out{};
        detail::check_size(wl_dgram_conn_send_segmented(this->h(), data, len, segment_size, &out),
                           "wl_dgram_conn_send_segmented");
        return detail::segmented_of(out);
    }
    /// Sends `bytes` to the peer in segments. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    SegmentedSend send_segmented(std::string_view bytes, std::uint16_t segment_size) const {
        return send_segmented(bytes.data(), bytes.size(), segment_size);
    }
    /// A segmented send, without throwing. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<SegmentedSend> try_send_segmented(std::string_view bytes, std::uint16_t segment_size) const noexcept {
        wl_segmented_send out{};
        const ssize_t rc = wl_dgram_conn_send_segmented(this->h(), bytes.data(), bytes.size(), segment_size, &out);
        if (rc < 0) return detail::fail(rc);
        return detail::segmented_of(out);
    }
    /// Sends one datagram to the peer with the metadata in `m`. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    std::size_t send_meta(std::string_view bytes, const meta::Send<Addr>& m) const {
        const wl_udp_send_meta c = detail::send_meta_of(m);
        return detail::check_size(wl_dgram_conn_send_meta(this->h(), bytes.data(), bytes.size(), &c),
                                  "wl_dgram_conn_send_meta");
    }
    /// Sends one datagram with metadata, without throwing. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<std::size_t> try_send_meta(std::string_view bytes, const meta::Send<Addr>& m) const noexcept {
        const wl_udp_send_meta c = detail::send_meta_of(m);
        return detail::size_result(wl_dgram_conn_send_meta(this->h(), bytes.data(), bytes.size(), &c));
    }
    /// The path MTU the kernel knows towards the peer (`IP_MTU` /
    /// `IPV6_MTU`). IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    std::uint32_t path_mtu() const {
        std::uint32_t mtu = 0;
        detail::check(wl_dgram_conn_path_mtu(this->h(), &mtu), "wl_dgram_conn_path_mtu");
        return mtu;
    }
    /// The path MTU, without throwing. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<std::uint32_t> try_path_mtu() const noexcept {
        std::uint32_t mtu = 0;
        const int rc = wl_dgram_conn_path_mtu(this->h(), &mtu);
        if (rc < 0) return detail::fail(rc);
        return mtu;
    }
    /// Sends one datagram to the peer with the control messages of
    /// `control` (`sendmsg(2)`, `MSG_NOSIGNAL`). IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    std::size_t send_cmsg(std::string_view bytes, const cmsg::Builder& control, int flags = 0) const {
        return detail::check_size(wl_dgram_conn_send_cmsg(this->h(), bytes.data(), bytes.size(), control.data(),
                                                          control.size(), flags),
                                  "wl_dgram_conn_send_cmsg");
    }
    /// Sends with control messages, without throwing. IPv4/IPv6 only.
    template <class DD = D, detail::if_inet<DD> = 0>
    Result<std::size_t> try_send_cmsg(std::string_view bytes, const cmsg::Builder& control,
                                      int flags = 0) const noexcept {
        return detail::size_result(
            wl_dgram_conn_send_cmsg(this->h(), bytes.data(), bytes.size(), control.data(), control.size(), flags));
    }

private:
    friend struct detail::Access;
    explicit ConnectedDatagram(wl_dgram_conn* h) noexcept : Base(h) {}
};

// ---------------------------------------------------------------------------
// Socket options: free functions over any socket object (anything with a
// C handle: every state class) or a raw descriptor, as in Rust
// (`set_tcp_nodelay(&conn, true)`). Each has a getter where the kernel
// has one, and a try_ form. Values the kernel would reject or silently
// adjust are checked by the library (EINVAL, naming the option and range).
// ---------------------------------------------------------------------------

namespace detail {

template <class T>
struct is_duration : std::false_type {};
template <class R, class P>
struct is_duration<std::chrono::duration<R, P>> : std::true_type {};

// C++ option value -> C value (durations by their count; a negative one
// wraps to a huge value the library rejects as out of range).
template <class CT, class T>
constexpr CT to_c(T v) noexcept {
    if constexpr (is_duration<T>::value) {
        return static_cast<CT>(v.count());
    } else {
        return static_cast<CT>(v);
    }
}
template <class T, class CT>
constexpr T from_c(CT v) noexcept {
    if constexpr (is_duration<T>::value) {
        return T(static_cast<typename T::rep>(v));
    } else {
        return static_cast<T>(v);
    }
}

template <class T, class CT, class Get>
T get_option(int fd, Get get, const char* name) {
    CT out{};
    check(get(fd, &out), name);
    return from_c<T>(out);
}
template <class T, class CT, class Get>
Result<T> try_get_option(int fd, Get get) noexcept {
    if (fd < 0) return fail(fd);
    CT out{};
    const int rc = get(fd, &out);
    if (rc < 0) return fail(rc);
    return from_c<T>(out);
}
template <class Set, class V>
Result<void> try_set_option(int fd, Set set, V value) noexcept {
    if (fd < 0) return fail(fd);
    return void_result(set(fd, value));
}

// Copies a short string option (interface or algorithm name) out of C.
template <class Get>
std::string string_option(int fd, Get get, const char* name) {
    char buf[64];
    const int n = check(get(fd, buf, sizeof buf), name);
    return std::string(buf, std::min(static_cast<std::size_t>(n), sizeof buf - 1));
}

}  // namespace detail

// A read-only option: NAME / try_NAME.
#define WL_HPP_OPTION_READ(NAME, T, CT)                                                                 \
    template <class S>                                                                                  \
    T NAME(const S& socket) {                                                                           \
        return detail::get_option<T, CT>(detail::fd_of(socket), wl_##NAME, "wl_" #NAME);                \
    }                                                                                                   \
    template <class S>                                                                                  \
    Result<T> try_##NAME(const S& socket) noexcept {                                                    \
        return detail::try_get_option<T, CT>(detail::try_fd_of(socket), wl_##NAME);                     \
    }

// One option: set_NAME / try_set_NAME, then NAME / try_NAME as for a
// read-only one; the C++ type T and the C type CT.
#define WL_HPP_OPTION(NAME, T, CT)                                                                      \
    template <class S>                                                                                  \
    void set_##NAME(const S& socket, T value) {                                                         \
        detail::check(wl_set_##NAME(detail::fd_of(socket), detail::to_c<CT>(value)), "wl_set_" #NAME);  \
    }                                                                                                   \
    template <class S>                                                                                  \
    Result<void> try_set_##NAME(const S& socket, T value) noexcept {                                    \
        return detail::try_set_option(detail::try_fd_of(socket), wl_set_##NAME, detail::to_c<CT>(value)); \
    }                                                                                                   \
    WL_HPP_OPTION_READ(NAME, T, CT)

// BEGIN GENERATED OPTIONS FROM src/options/table.rs (WIRELANE_BLESS=1 cargo test -p wirelane-ffi --test option_table)
/// `SO_REUSEADDR` (`socket(7)`): rebind a port still in TIME_WAIT; set before bind.
WL_HPP_OPTION(reuse_address, bool, bool)
/// `SO_REUSEPORT` (`socket(7)`): several sockets share one address and port; set before bind.
WL_HPP_OPTION(reuse_port, bool, bool)
/// `SO_SNDBUF` (`socket(7)`): the kernel doubles the request and reports the doubled size.
WL_HPP_OPTION(send_buffer_size, std::size_t, std::size_t)
/// `SO_RCVBUF` (`socket(7)`): the kernel doubles the request and reports the doubled size.
WL_HPP_OPTION(recv_buffer_size, std::size_t, std::size_t)
/// `SO_BROADCAST` (`socket(7)`): allow sending to broadcast addresses (UDP/IPv4).
WL_HPP_OPTION(broadcast, bool, bool)
/// `SO_MARK` (`socket(7)`): the firewall mark on outgoing packets (needs CAP_NET_ADMIN).
WL_HPP_OPTION(mark, std::uint32_t, std::uint32_t)
/// `SO_PRIORITY` (`socket(7)`): the queueing priority of outgoing packets.
WL_HPP_OPTION(priority, std::uint32_t, std::uint32_t)
/// `SO_RCVLOWAT` (`socket(7)`): bytes that must be queued before a receive returns.
WL_HPP_OPTION(recv_low_watermark, std::size_t, std::size_t)
/// `SO_KEEPALIVE` (`socket(7)`): probe idle connections.
WL_HPP_OPTION(keepalive, bool, bool)
/// `TCP_KEEPIDLE` (`tcp(7)`): idle seconds before the first keepalive probe.
WL_HPP_OPTION(tcp_keepalive_idle, std::chrono::seconds, std::uint32_t)
/// `TCP_KEEPINTVL` (`tcp(7)`): seconds between keepalive probes.
WL_HPP_OPTION(tcp_keepalive_interval, std::chrono::seconds, std::uint32_t)
/// `TCP_KEEPCNT` (`tcp(7)`): unanswered probes before the connection drops.
WL_HPP_OPTION(tcp_keepalive_count, std::uint32_t, std::uint32_t)
/// `TCP_NODELAY` (`tcp(7)`): send small writes at once (no Nagle delay).
WL_HPP_OPTION(tcp_nodelay, bool, bool)
/// `TCP_CORK` (`tcp(7)`): hold partial frames until uncorked or full.
WL_HPP_OPTION(tcp_cork, bool, bool)
/// `TCP_QUICKACK` (`tcp(7)`): acknowledge at once (the kernel may clear it again).
WL_HPP_OPTION(tcp_quickack, bool, bool)
/// `TCP_FASTOPEN` (`tcp(7)`): the server's Fast Open queue length; 0 turns it off.
WL_HPP_OPTION(tcp_fastopen, std::uint32_t, std::uint32_t)
/// `TCP_FASTOPEN_CONNECT` (`tcp(7)`): client Fast Open; set before connect.
WL_HPP_OPTION(tcp_fastopen_connect, bool, bool)
/// `TCP_USER_TIMEOUT` (`tcp(7)`): how long sent data may stay unacknowledged, in milliseconds; 0 is the kernel default.
WL_HPP_OPTION(tcp_user_timeout, std::chrono::milliseconds, std::uint32_t)
/// `IP_TTL` (`ip(7)`): the time-to-live of outgoing unicast packets (1-255).
WL_HPP_OPTION(ttl, std::uint32_t, std::uint32_t)
/// `IP_TOS` (`ip(7)`): the Type-of-Service byte (DSCP and ECN).
WL_HPP_OPTION(tos, std::uint8_t, std::uint8_t)
/// `IPV6_UNICAST_HOPS` (`ipv6(7)`): the hop limit of outgoing unicast packets.
WL_HPP_OPTION(unicast_hops_v6, std::uint32_t, std::uint32_t)
/// `IPV6_TCLASS` (`ipv6(7)`): the traffic class byte.
WL_HPP_OPTION(tclass_v6, std::uint8_t, std::uint8_t)
/// `IPV6_V6ONLY` (`ipv6(7)`): refuse IPv4-mapped traffic; set before bind.
WL_HPP_OPTION(only_v6, bool, bool)
/// `IP_MULTICAST_TTL` (`ip(7)`): the time-to-live of outgoing multicast packets.
WL_HPP_OPTION(multicast_ttl_v4, std::uint32_t, std::uint32_t)
/// `IP_MULTICAST_LOOP` (`ip(7)`): deliver our own multicast packets locally.
WL_HPP_OPTION(multicast_loop_v4, bool, bool)
/// `IPV6_MULTICAST_HOPS` (`ipv6(7)`): the hop limit of outgoing multicast packets.
WL_HPP_OPTION(multicast_hops_v6, std::uint32_t, std::uint32_t)
/// `IPV6_MULTICAST_LOOP` (`ipv6(7)`): deliver our own multicast packets locally.
WL_HPP_OPTION(multicast_loop_v6, bool, bool)
/// `IP_TRANSPARENT` (`ip(7)`): bind and accept for non-local addresses (transparent proxy; needs CAP_NET_ADMIN).
WL_HPP_OPTION(transparent, bool, bool)
/// `IP_FREEBIND` (`ip(7)`): bind to an address not (yet) configured on this host.
WL_HPP_OPTION(freebind, bool, bool)
/// `IPV6_FREEBIND` (`ipv6(7)`): bind to an IPv6 address not (yet) configured on this host.
WL_HPP_OPTION(freebind_v6, bool, bool)
/// `IPV6_TRANSPARENT` (`ipv6(7)`): transparent proxying for IPv6 (needs CAP_NET_ADMIN).
WL_HPP_OPTION(transparent_v6, bool, bool)
/// `IP_BIND_ADDRESS_NO_PORT` (`ip(7)`): choose the local port at connect, not at bind (port 0).
WL_HPP_OPTION(bind_address_no_port, bool, bool)
/// `TCP_NOTSENT_LOWAT` (`tcp(7)`): unsent bytes allowed before the socket stops being writable (0: the sysctl).
WL_HPP_OPTION(tcp_notsent_lowat, std::uint32_t, std::uint32_t)
/// `TCP_MAXSEG` (`tcp(7)`): the maximum segment size (set before connect or listen).
WL_HPP_OPTION(tcp_maxseg, std::uint32_t, std::uint32_t)
/// `TCP_DEFER_ACCEPT` (`tcp(7)`): wake accept only when data has arrived (seconds; 0: off).
WL_HPP_OPTION(tcp_defer_accept, std::chrono::seconds, std::uint32_t)
/// `TCP_SAVE_SYN` (`tcp(7)`): keep each incoming SYN for TCP_SAVED_SYN.
WL_HPP_OPTION(tcp_save_syn, bool, bool)
/// `TCP_THIN_LINEAR_TIMEOUTS` (`tcp(7)`): linear retransmission timeouts for thin streams.
WL_HPP_OPTION(tcp_thin_linear_timeouts, bool, bool)
/// `TCP_SYNCNT` (`tcp(7)`): SYN retransmissions before connect gives up.
WL_HPP_OPTION(tcp_syncnt, std::uint32_t, std::uint32_t)
/// `TCP_WINDOW_CLAMP` (`tcp(7)`): bound on the advertised window in bytes (0: none).
WL_HPP_OPTION(tcp_window_clamp, std::uint32_t, std::uint32_t)
/// `SO_COOKIE` (`socket(7)`): the kernel's 64-bit identifier of the socket.
WL_HPP_OPTION_READ(cookie, std::uint64_t, std::uint64_t)
/// `SO_INCOMING_CPU` (`socket(7)`): the CPU of the last received packet (-1: none).
WL_HPP_OPTION(incoming_cpu, std::int32_t, std::int32_t)
/// `SO_BUSY_POLL` (`socket(7)`): microseconds to busy-poll the device on a blocking receive.
WL_HPP_OPTION(busy_poll, std::uint32_t, std::uint32_t)
/// `SO_PREFER_BUSY_POLL` (`socket(7)`): prefer busy polling over interrupts.
WL_HPP_OPTION(prefer_busy_poll, bool, bool)
/// `SO_OOBINLINE` (`socket(7)`): deliver urgent data inline.
WL_HPP_OPTION(out_of_band_inline, bool, bool)
/// `SO_DOMAIN` (`socket(7)`): the address family (AF_INET, AF_INET6, AF_UNIX).
WL_HPP_OPTION_READ(socket_domain, std::int32_t, std::int32_t)
/// `SO_TYPE` (`socket(7)`): the socket type (SOCK_STREAM, SOCK_DGRAM, ...).
WL_HPP_OPTION_READ(socket_type, std::int32_t, std::int32_t)
/// `SO_PROTOCOL` (`socket(7)`): the protocol (IPPROTO_TCP, IPPROTO_UDP, ...).
WL_HPP_OPTION_READ(socket_protocol, std::int32_t, std::int32_t)
/// `SO_ACCEPTCONN` (`socket(7)`): whether the socket is listening.
WL_HPP_OPTION_READ(accepts_connections, bool, bool)
/// `IP_MULTICAST_ALL` (`ip(7)`): receive every joined group's traffic, not only our own joins.
WL_HPP_OPTION(multicast_all_v4, bool, bool)
/// `IPV6_MULTICAST_ALL` (`ipv6(7)`): receive every joined group's traffic, not only our own joins.
WL_HPP_OPTION(multicast_all_v6, bool, bool)
/// `IPV6_MULTICAST_IF` (`ipv6(7)`): the interface index for outgoing multicast (0: by route).
WL_HPP_OPTION(multicast_if_v6, std::uint32_t, std::uint32_t)
/// `IP_RECVTOS` (`ip(7)`): deliver each datagram's TOS byte as ancillary data.
WL_HPP_OPTION(recv_tos_v4, bool, bool)
/// `IPV6_RECVTCLASS` (`ipv6(7)`): deliver each datagram's traffic class as ancillary data.
WL_HPP_OPTION(recv_tclass_v6, bool, bool)
/// `IPV6_RECVHOPLIMIT` (`ipv6(7)`): deliver each datagram's hop limit as ancillary data.
WL_HPP_OPTION(recv_hoplimit_v6, bool, bool)
/// `IP_HDRINCL` (`raw(7)`): raw sockets: the caller writes the IP header.
WL_HPP_OPTION(header_included_v4, bool, bool)
// END GENERATED OPTIONS

/// Sets `SO_LINGER` (`socket(7)`): std::nullopt (the default) lets close
/// return at once while the kernel sends the rest; a duration makes close
/// block up to it; zero makes close reset the connection (no TIME_WAIT).
template <class S>
void set_linger(const S& socket, std::optional<std::chrono::seconds> linger) {
    const bool on = linger.has_value();
    const auto secs = on ? static_cast<std::uint32_t>(linger->count()) : 0u;
    if (on && linger->count() < 0)
        detail::throw_error(std::make_error_code(std::errc::invalid_argument), "wl::set_linger: negative time");
    detail::check(wl_set_linger(detail::fd_of(socket), on, secs), "wl_set_linger");
}
/// Sets `SO_LINGER`, without throwing.
template <class S>
Result<void> try_set_linger(const S& socket, std::optional<std::chrono::seconds> linger) noexcept {
    const int fd = detail::try_fd_of(socket);
    if (fd < 0) return detail::fail(fd);
    if (linger && linger->count() < 0) return detail::fail(-EINVAL);
    return detail::void_result(
        wl_set_linger(fd, linger.has_value(), linger ? static_cast<std::uint32_t>(linger->count()) : 0u));
}
/// The `SO_LINGER` setting: std::nullopt when off.
template <class S>
std::optional<std::chrono::seconds> linger(const S& socket) {
    bool on = false;
    std::uint32_t secs = 0;
    detail::check(wl_linger(detail::fd_of(socket), &on, &secs), "wl_linger");
    if (!on) return std::nullopt;
    return std::chrono::seconds(secs);
}

/// Binds the socket to a network interface (`SO_BINDTODEVICE`, `socket(7)`);
/// an empty name removes the binding. Usually needs `CAP_NET_RAW`.
template <class S>
void bind_device(const S& socket, std::string_view interface) {
    const detail::CText c(interface);
    if (c.err != 0) detail::throw_error(std::error_code(c.err, std::generic_category()), "wl::bind_device: bad name");
    detail::check(wl_bind_device(detail::fd_of(socket), c.buf), "wl_bind_device");
}
/// The interface the socket is bound to (`SO_BINDTODEVICE`), empty when none.
template <class S>
std::string bound_device(const S& socket) {
    return detail::string_option(detail::fd_of(socket), wl_bound_device, "wl_bound_device");
}
/// Selects the congestion-control algorithm (`TCP_CONGESTION`, `tcp(7)`),
/// e.g. "cubic", "reno"; ENOENT when not available.
template <class S>
void set_tcp_congestion(const S& socket, std::string_view algorithm) {
    const detail::CText c(algorithm);
    if (c.err != 0)
        detail::throw_error(std::error_code(c.err, std::generic_category()), "wl::set_tcp_congestion: bad name");
    detail::check(wl_set_tcp_congestion(detail::fd_of(socket), c.buf), "wl_set_tcp_congestion");
}
/// The congestion-control algorithm in use (`TCP_CONGESTION`).
template <class S>
std::string tcp_congestion(const S& socket) {
    return detail::string_option(detail::fd_of(socket), wl_tcp_congestion, "wl_tcp_congestion");
}
/// Joins an IPv4 multicast group (`IP_ADD_MEMBERSHIP`, `ip(7)`) on
/// `interface` (all zero: the kernel picks by route).
template <class S>
void join_multicast_v4(const S& socket, const std::array<std::uint8_t, 4>& group,
                       const std::array<std::uint8_t, 4>& interface = {}) {
    detail::check(wl_join_multicast_v4(detail::fd_of(socket), group.data(), interface.data()), "wl_join_multicast_v4");
}
/// Leaves an IPv4 multicast group.
template <class S>
void leave_multicast_v4(const S& socket, const std::array<std::uint8_t, 4>& group,
                        const std::array<std::uint8_t, 4>& interface = {}) {
    detail::check(wl_leave_multicast_v4(detail::fd_of(socket), group.data(), interface.data()),
                  "wl_leave_multicast_v4");
}
/// Joins an IPv6 multicast group (`IPV6_ADD_MEMBERSHIP`, `ipv6(7)`) on the
/// interface with index `interface` (0: the kernel picks by route).
template <class S>
void join_multicast_v6(const S& socket, const std::array<std::uint8_t, 16>& group, std::uint32_t interface = 0) {
    detail::check(wl_join_multicast_v6(detail::fd_of(socket), group.data(), interface), "wl_join_multicast_v6");
}
/// Leaves an IPv6 multicast group.
template <class S>
void leave_multicast_v6(const S& socket, const std::array<std::uint8_t, 16>& group, std::uint32_t interface = 0) {
    detail::check(wl_leave_multicast_v6(detail::fd_of(socket), group.data(), interface), "wl_leave_multicast_v6");
}

// --- Proxy and multicast options that are not one int (src/ffi/proxy_opts.rs) ---

/// Chooses the interface for outgoing IPv4 multicast (`IP_MULTICAST_IF`,
/// `ip(7)`): by its address `interface` and/or its index `ifindex`
/// (`if_nametoindex(3)`; the index wins); all zero and 0 go back to the
/// route's choice. EADDRNOTAVAIL for an address that is not local.
template <class S>
void set_multicast_if_v4(const S& socket, const std::array<std::uint8_t, 4>& interface = {},
                         std::uint32_t ifindex = 0) {
    detail::check(wl_set_multicast_if_v4(detail::fd_of(socket), interface.data(), ifindex), "wl_set_multicast_if_v4");
}
/// The address of the outgoing IPv4 multicast interface (`IP_MULTICAST_IF`);
/// all zero when unset or set by index only.
template <class S>
std::array<std::uint8_t, 4> multicast_if_v4(const S& socket) {
    std::array<std::uint8_t, 4> out{};
    detail::check(wl_multicast_if_v4(detail::fd_of(socket), out.data()), "wl_multicast_if_v4");
    return out;
}
/// Joins IPv4 multicast `group` for the datagrams of `source` only
/// (`IP_ADD_SOURCE_MEMBERSHIP`, `ip(7)`), once per allowed source, on the
/// interface with address `interface` (all zero: by route).
template <class S>
void join_ssm_v4(const S& socket, const std::array<std::uint8_t, 4>& group, const std::array<std::uint8_t, 4>& source,
                 const std::array<std::uint8_t, 4>& interface = {}) {
    detail::check(wl_join_ssm_v4(detail::fd_of(socket), group.data(), source.data(), interface.data()),
                  "wl_join_ssm_v4");
}
/// Stops receiving `source`'s datagrams to `group` (`IP_DROP_SOURCE_MEMBERSHIP`).
template <class S>
void leave_ssm_v4(const S& socket, const std::array<std::uint8_t, 4>& group, const std::array<std::uint8_t, 4>& source,
                  const std::array<std::uint8_t, 4>& interface = {}) {
    detail::check(wl_leave_ssm_v4(detail::fd_of(socket), group.data(), source.data(), interface.data()),
                  "wl_leave_ssm_v4");
}
/// Joins IPv6 multicast `group` for `source`'s datagrams only
/// (`MCAST_JOIN_SOURCE_GROUP`, RFC 3678) on interface index `interface`.
template <class S>
void join_ssm_v6(const S& socket, const std::array<std::uint8_t, 16>& group,
                 const std::array<std::uint8_t, 16>& source, std::uint32_t interface = 0) {
    detail::check(wl_join_ssm_v6(detail::fd_of(socket), group.data(), source.data(), interface), "wl_join_ssm_v6");
}
/// Stops receiving `source`'s datagrams to `group` (`MCAST_LEAVE_SOURCE_GROUP`).
template <class S>
void leave_ssm_v6(const S& socket, const std::array<std::uint8_t, 16>& group,
                  const std::array<std::uint8_t, 16>& source, std::uint32_t interface = 0) {
    detail::check(wl_leave_ssm_v6(detail::fd_of(socket), group.data(), source.data(), interface), "wl_leave_ssm_v6");
}
/// The destination of an accepted IPv4 connection before a netfilter NAT
/// rule (`REDIRECT`, `DNAT`) rewrote it (`SO_ORIGINAL_DST`).
template <class S>
SocketAddrV4 original_dst_v4(const S& socket) {
    wl_addr out{};
    detail::check(wl_original_dst_v4(detail::fd_of(socket), &out), "wl_original_dst_v4");
    return SocketAddrV4::from_raw(out);
}
/// The IPv6 twin of `original_dst_v4` (`IP6T_SO_ORIGINAL_DST`).
template <class S>
SocketAddrV6 original_dst_v6(const S& socket) {
    wl_addr out{};
    detail::check(wl_original_dst_v6(detail::fd_of(socket), &out), "wl_original_dst_v6");
    return SocketAddrV6::from_raw(out);
}
/// The IP and TCP headers of the SYN that opened an accepted connection
/// (`TCP_SAVED_SYN`, `tcp(7)`), after `set_tcp_save_syn(listener, true)`;
/// empty when none is saved (the kernel hands it out once).
template <class S>
std::vector<std::uint8_t> tcp_saved_syn(const S& socket) {
    const int fd = detail::fd_of(socket);
    std::vector<std::uint8_t> syn(256);
    for (;;) {
        const auto n = static_cast<std::size_t>(detail::check(wl_tcp_saved_syn(fd, syn.data(), syn.size()), "wl_tcp_saved_syn"));
        if (n <= syn.size()) {
            syn.resize(n);
            return syn;
        }
        syn.resize(n);  // too small: nothing was consumed; again with room
    }
}

// --- Classic BPF (src/ffi/cbpf.rs) ---

/// A classic BPF program (`wl_bpf_insn`, laid out as `struct sock_filter`)
/// for `attach_reuseport_cbpf` and `attach_filter`: from `steer_by_cpu`,
/// `steer_by_hash`, `constant`, or any instructions (e.g. written with the
/// kernel's `BPF_STMT` / `BPF_JUMP`). For reuseport the program returns the
/// index of the socket in the group, in bind order.
class CbpfProgram {
public:
    /// A program from its instructions; 1 to `WL_BPF_MAXINSNS` of them
    /// (checked when attached, with the kernel's own check).
    explicit CbpfProgram(std::vector<wl_bpf_insn> insns) : insns_(std::move(insns)) {}
    /// Socket `cpu % sockets` (`SKF_AD_CPU`). Throws EINVAL for 0.
    static CbpfProgram steer_by_cpu(std::uint32_t sockets) {
        return built([&](wl_bpf_insn* out, std::size_t cap) { return wl_bpf_steer_by_cpu(sockets, out, cap); },
                     "wl_bpf_steer_by_cpu");
    }
    /// Socket `rxhash % sockets`, the flow hash (`SKF_AD_RXHASH`). Throws EINVAL for 0.
    static CbpfProgram steer_by_hash(std::uint32_t sockets) {
        return built([&](wl_bpf_insn* out, std::size_t cap) { return wl_bpf_steer_by_hash(sockets, out, cap); },
                     "wl_bpf_steer_by_hash");
    }
    /// Always `value`: every connection to socket `value`; as a filter, 0
    /// drops every packet.
    static CbpfProgram constant(std::uint32_t value) {
        return built([&](wl_bpf_insn* out, std::size_t cap) { return wl_bpf_constant(value, out, cap); },
                     "wl_bpf_constant");
    }
    /// The instructions.
    const std::vector<wl_bpf_insn>& instructions() const noexcept { return insns_; }
    /// The number of instructions.
    std::size_t size() const noexcept { return insns_.size(); }

private:
    template <class F>
    static CbpfProgram built(F fill, const char* who) {
        std::vector<wl_bpf_insn> insns(WL_BPF_STEER_LEN);
        insns.resize(static_cast<std::size_t>(detail::check(fill(insns.data(), insns.size()), who)));
        return CbpfProgram(std::move(insns));
    }
    std::vector<wl_bpf_insn> insns_;
};

/// Attaches `program` to the `SO_REUSEPORT` group of `socket`
/// (`SO_ATTACH_REUSEPORT_CBPF`, `socket(7)`): it picks the socket of the
/// group for each new connection or datagram. Attach after the group is bound.
template <class S>
void attach_reuseport_cbpf(const S& socket, const CbpfProgram& program) {
    detail::check(wl_attach_reuseport_cbpf(detail::fd_of(socket), program.instructions().data(), program.size()),
                  "wl_attach_reuseport_cbpf");
}
/// Attaches `program` as the socket's packet filter (`SO_ATTACH_FILTER`):
/// a packet is kept, truncated to the returned length, or dropped at 0.
template <class S>
void attach_filter(const S& socket, const CbpfProgram& program) {
    detail::check(wl_attach_filter(detail::fd_of(socket), program.instructions().data(), program.size()),
                  "wl_attach_filter");
}
/// Removes the socket's packet filter (`SO_DETACH_FILTER`); ENOENT if none.
template <class S>
void detach_filter(const S& socket) {
    detail::check(wl_detach_filter(detail::fd_of(socket)), "wl_detach_filter");
}

/// A snapshot of a TCP socket's state and statistics (`TCP_INFO`, `tcp(7)`);
/// durations in microseconds (`*_us`), `state` as the kernel's number.
using TcpInfo = wl_tcp_info;
/// Reads `TCP_INFO`; EOPNOTSUPP on a non-TCP socket.
template <class S>
TcpInfo tcp_info(const S& socket) {
    TcpInfo info{};
    detail::check(wl_get_tcp_info(detail::fd_of(socket), &info), "wl_get_tcp_info");
    return info;
}
/// Reads `TCP_INFO`, without throwing.
template <class S>
Result<TcpInfo> try_tcp_info(const S& socket) noexcept {
    const int fd = detail::try_fd_of(socket);
    if (fd < 0) return detail::fail(fd);
    TcpInfo info{};
    const int rc = wl_get_tcp_info(fd, &info);
    if (rc < 0) return detail::fail(rc);
    return info;
}

namespace batch {
/// Sets the socket-wide GSO segment size (`UDP_SEGMENT`, `udp(7)`): later
/// sends larger than it are split by the kernel; 0 turns it off.
WL_HPP_OPTION(udp_segment, std::uint16_t, std::uint16_t)
/// `UDP_GRO` (`udp(7)`, Linux 5.0+): let the kernel coalesce received
/// datagrams of one flow (read them with `recv_gro` or a `RecvBatch`).
WL_HPP_OPTION(udp_gro, bool, bool)
/// The largest UDP payload one send may carry in domain `D` (65507 over
/// IPv4, 65527 over IPv6).
template <class D, detail::if_inet<D> = 0>
std::size_t max_udp_payload() {
    return static_cast<std::size_t>(detail::check(wl_max_udp_payload(D::family), "wl_max_udp_payload"));
}
}  // namespace batch

// ---------------------------------------------------------------------------
// Descriptor and credential passing over Unix sockets (`SCM_RIGHTS`,
// `SCM_CREDENTIALS`, see `unix(7)`): ConnectedStream<Unix> and
// ConnectedDatagram<Unix> only.
// ---------------------------------------------------------------------------

namespace fdpass {

namespace detail_fd {
inline int send_fd(const wl_conn* h, int fd) noexcept { return wl_conn_send_fd(h, fd); }
inline int send_fd(const wl_dgram_conn* h, int fd) noexcept { return wl_dgram_conn_send_fd(h, fd); }
inline int recv_fd(const wl_conn* h, int* fd) noexcept { return wl_conn_recv_fd(h, fd); }
inline int recv_fd(const wl_dgram_conn* h, int* fd) noexcept { return wl_dgram_conn_recv_fd(h, fd); }
inline ssize_t send_fds(const wl_conn* h, const void* d, std::size_t n, const int* f, std::size_t nf) noexcept {
    return wl_conn_send_fds(h, d, n, f, nf);
}
inline ssize_t send_fds(const wl_dgram_conn* h, const void* d, std::size_t n, const int* f, std::size_t nf) noexcept {
    return wl_dgram_conn_send_fds(h, d, n, f, nf);
}
inline ssize_t recv_fds(const wl_conn* h, void* b, std::size_t n, int* f, std::size_t mf, std::size_t* got) noexcept {
    return wl_conn_recv_fds(h, b, n, f, mf, got);
}
inline ssize_t recv_fds(const wl_dgram_conn* h, void* b, std::size_t n, int* f, std::size_t mf,
                        std::size_t* got) noexcept {
    return wl_dgram_conn_recv_fds(h, b, n, f, mf, got);
}
inline ssize_t send_cred(const wl_conn* h, const void* d, std::size_t n) noexcept {
    return wl_conn_send_with_credentials(h, d, n);
}
inline ssize_t send_cred(const wl_dgram_conn* h, const void* d, std::size_t n) noexcept {
    return wl_dgram_conn_send_with_credentials(h, d, n);
}
inline ssize_t recv_cred(const wl_conn* h, void* b, std::size_t n, wl_ucred* c, bool* has) noexcept {
    return wl_conn_recv_with_credentials(h, b, n, c, has);
}
inline ssize_t recv_cred(const wl_dgram_conn* h, void* b, std::size_t n, wl_ucred* c, bool* has) noexcept {
    return wl_dgram_conn_recv_with_credentials(h, b, n, c, has);
}
template <class S>
using if_unix_connected = std::enable_if_t<
    std::is_same_v<S, ConnectedStream<Unix>> || std::is_same_v<S, ConnectedDatagram<Unix>>, int>;
}  // namespace detail_fd

/// The most descriptors one message carries (`SCM_MAX_FD`).
inline constexpr std::size_t max_fds = 253;

/// Sends descriptor `fd` with one byte of data (`SCM_RIGHTS`): the receiver
/// gets a new descriptor for the same open file. `fd` stays the caller's.
template <class S, detail_fd::if_unix_connected<S> = 0>
void send_fd(const S& socket, int fd) {
    wl::detail::check(detail_fd::send_fd(wl::detail::Access::handle(socket), fd), "wl_conn_send_fd");
}
/// Sends a descriptor, without throwing.
template <class S, detail_fd::if_unix_connected<S> = 0>
Result<void> try_send_fd(const S& socket, int fd) noexcept {
    return wl::detail::void_result(detail_fd::send_fd(wl::detail::Access::handle(socket), fd));
}
/// Receives one descriptor sent with `send_fd` (close-on-exec, now owned);
/// ENODATA when the peer closed first.
template <class S, detail_fd::if_unix_connected<S> = 0>
[[nodiscard]] OwnedFd recv_fd(const S& socket) {
    int fd = -1;
    wl::detail::check(detail_fd::recv_fd(wl::detail::Access::handle(socket), &fd), "wl_conn_recv_fd");
    return OwnedFd(fd);
}
/// Receives one descriptor, without throwing.
template <class S, detail_fd::if_unix_connected<S> = 0>
[[nodiscard]] Result<OwnedFd> try_recv_fd(const S& socket) noexcept {
    int fd = -1;
    const int rc = detail_fd::recv_fd(wl::detail::Access::handle(socket), &fd);
    if (rc < 0) return wl::detail::fail(rc);
    return OwnedFd(fd);
}
/// Sends `data` (at least one byte on a stream) with `nfds` descriptors
/// (1 to `max_fds`) in one `sendmsg(2)`; returns the data bytes sent.
template <class S, detail_fd::if_unix_connected<S> = 0>
std::size_t send_fds(const S& socket, std::string_view data, const int* fds, std::size_t nfds) {
    return wl::detail::check_size(
        detail_fd::send_fds(wl::detail::Access::handle(socket), data.data(), data.size(), fds, nfds), "wl_conn_send_fds");
}
/// Sends `data` with the descriptors listed: `send_fds(sock, "x", {a, b})`.
template <class S, detail_fd::if_unix_connected<S> = 0>
std::size_t send_fds(const S& socket, std::string_view data, std::initializer_list<int> fds) {
    return send_fds(socket, data, fds.begin(), fds.size());
}
/// Receives data into `buf` and up to `max` descriptors (1 to `max_fds`):
/// `auto [n, fds] = recv_fds(sock, buf, len, 4);`. EMSGSIZE when the peer
/// sent more than `max` (all that arrived are closed: none leaks).
template <class S, detail_fd::if_unix_connected<S> = 0>
std::pair<std::size_t, std::vector<OwnedFd>> recv_fds(const S& socket, void* buf, std::size_t len, std::size_t max) {
    std::vector<int> raw(max, -1);
    std::size_t got = 0;
    const std::size_t n = wl::detail::check_size(
        detail_fd::recv_fds(wl::detail::Access::handle(socket), buf, len, raw.data(), max, &got), "wl_conn_recv_fds");
    std::vector<OwnedFd> fds;
    fds.reserve(got);
    for (std::size_t i = 0; i < got; ++i) fds.emplace_back(raw[i]);
    return {n, std::move(fds)};
}
/// Sends `data` with this process's credentials (`SCM_CREDENTIALS`); the
/// receiver needs `set_passcred`.
template <class S, detail_fd::if_unix_connected<S> = 0>
std::size_t send_with_credentials(const S& socket, std::string_view data) {
    return wl::detail::check_size(detail_fd::send_cred(wl::detail::Access::handle(socket), data.data(), data.size()),
                                  "wl_conn_send_with_credentials");
}
/// Receives data and the sender's kernel-checked credentials, if any came
/// (`SO_PASSCRED` must be on).
template <class S, detail_fd::if_unix_connected<S> = 0>
std::pair<std::size_t, std::optional<UCred>> recv_with_credentials(const S& socket, void* buf, std::size_t len) {
    UCred cred{};
    bool has = false;
    const std::size_t n = wl::detail::check_size(
        detail_fd::recv_cred(wl::detail::Access::handle(socket), buf, len, &cred, &has), "wl_conn_recv_with_credentials");
    return {n, has ? std::optional<UCred>(cred) : std::nullopt};
}
/// `SO_PASSCRED` (`unix(7)`): every message received carries the sender's credentials.
WL_HPP_OPTION(passcred, bool, bool)
/// This process's credentials as `SCM_CREDENTIALS` sends them.
inline UCred own_credentials() {
    UCred c{};
    wl::detail::check(wl_own_credentials(&c), "wl_own_credentials");
    return c;
}

}  // namespace fdpass

// ---------------------------------------------------------------------------
// Zero copy: splice/tee through pipes, MSG_ZEROCOPY (sendfile is a
// ConnectedStream member). Endpoints are descriptors, OwnedFds or socket
// objects.
// ---------------------------------------------------------------------------

namespace zerocopy {

/// `SPLICE_F_MOVE`: move pages instead of copying (a hint).
inline constexpr unsigned splice_f_move = WL_SPLICE_F_MOVE;
/// `SPLICE_F_NONBLOCK`: do not block on the pipe.
inline constexpr unsigned splice_f_nonblock = WL_SPLICE_F_NONBLOCK;
/// `SPLICE_F_MORE`: more data follows (like `MSG_MORE`).
inline constexpr unsigned splice_f_more = WL_SPLICE_F_MORE;
/// `SPLICE_F_GIFT`: unused by splice.
inline constexpr unsigned splice_f_gift = WL_SPLICE_F_GIFT;

/// One `MSG_ZEROCOPY` completion: sends `first..=last` (wrapping) are done
/// and their buffers may be reused; `copied` when the kernel copied
/// anyway (always on loopback).
using ZerocopyCompletion = wl_zerocopy_completion;

/// `SO_ZEROCOPY` (required before `send_zerocopy`).
WL_HPP_OPTION(zerocopy, bool, bool)

/// A pipe for `splice`, owning both ends (close-on-exec). Move-only.
class Pipe {
public:
    /// A pipe; with `capacity` not 0 it is resized (`F_SETPIPE_SZ`, rounded up).
    explicit Pipe(std::size_t capacity = 0) {
        wl_pipe* p = nullptr;
        wl::detail::check(wl_pipe_new(capacity, &p), "wl_pipe_new");
        p_.reset(p);
    }
    /// Creates a pipe, without throwing.
    [[nodiscard]] static Result<Pipe> try_create(std::size_t capacity = 0) noexcept {
        wl_pipe* p = nullptr;
        const int rc = wl_pipe_new(capacity, &p);
        if (rc < 0) return wl::detail::fail(rc);
        return Pipe(p, wl::detail::Trusted{});
    }
    /// The read end (still owned by the pipe).
    int reader() const { return wl::detail::check(wl_pipe_reader(p_.get()), "wl_pipe_reader"); }
    /// The write end (still owned by the pipe).
    int writer() const { return wl::detail::check(wl_pipe_writer(p_.get()), "wl_pipe_writer"); }
    /// The capacity in bytes (`F_GETPIPE_SZ`).
    std::size_t capacity() const {
        std::size_t n = 0;
        wl::detail::check(wl_pipe_capacity(p_.get(), &n), "wl_pipe_capacity");
        return n;
    }
    /// Resizes the pipe; returns the capacity the kernel chose. EBUSY if
    /// the data in it would not fit.
    std::size_t set_capacity(std::size_t bytes) const {
        std::size_t n = 0;
        wl::detail::check(wl_pipe_set_capacity(p_.get(), bytes, &n), "wl_pipe_set_capacity");
        return n;
    }
    /// The bytes waiting in the pipe (`FIONREAD`).
    std::size_t pending() const {
        std::size_t n = 0;
        wl::detail::check(wl_pipe_pending(p_.get(), &n), "wl_pipe_pending");
        return n;
    }
    /// Gives up both ends: {read end, write end}.
    [[nodiscard]] std::pair<OwnedFd, OwnedFd> into_fds() && {
        int fds[2] = {-1, -1};
        wl::detail::check(wl_pipe_into_fds(p_.get(), fds), "wl_pipe_into_fds");
        (void)p_.release();
        return {OwnedFd(fds[0]), OwnedFd(fds[1])};
    }
    /// The C handle, borrowed.
    const wl_pipe* c_handle() const noexcept { return p_.get(); }

private:
    struct Deleter {
        void operator()(wl_pipe* p) const noexcept { wl_pipe_free(p); }
    };
    Pipe(wl_pipe* p, wl::detail::Trusted) noexcept : p_(p) {}
    std::unique_ptr<wl_pipe, Deleter> p_;
};

/// A plain pipe (`pipe2(2)`, close-on-exec): {read end, write end}.
inline std::pair<OwnedFd, OwnedFd> pipe() {
    int fds[2] = {-1, -1};
    wl::detail::check(wl_pipe_fds(fds), "wl_pipe_fds");
    return {OwnedFd(fds[0]), OwnedFd(fds[1])};
}

/// Moves up to `len` bytes from `from` to `to` inside the kernel in one
/// `splice(2)`; one side must be a pipe. An offset (not nullptr) may be
/// given for the non-pipe side only. Returns the bytes moved (0 at end).
template <class In, class Out>
std::size_t splice(const In& from, std::int64_t* off_in, const Out& to, std::int64_t* off_out, std::size_t len,
                   unsigned flags = 0) {
    return wl::detail::check_size(
        wl_splice(wl::detail::fd_of(from), off_in, wl::detail::fd_of(to), off_out, len, flags), "wl_splice");
}
/// One `splice(2)`, without throwing.
template <class In, class Out>
Result<std::size_t> try_splice(const In& from, std::int64_t* off_in, const Out& to, std::int64_t* off_out,
                               std::size_t len, unsigned flags = 0) noexcept {
    return wl::detail::size_result(
        wl_splice(wl::detail::try_fd_of(from), off_in, wl::detail::try_fd_of(to), off_out, len, flags));
}
/// Moves `len` bytes from `from` to `to` through `via` (which must start
/// empty): the zero-copy proxy loop (EINTR retried, EAGAIN waited out).
/// `*transferred` and `*in_pipe` (if given) report progress on success and
/// failure alike. Returns the bytes delivered (fewer only at end of input).
template <class In, class Out>
std::uint64_t splice_all(const In& from, const Out& to, std::uint64_t len, const Pipe& via,
                         std::uint64_t* transferred = nullptr, std::size_t* in_pipe = nullptr) {
    return wl::detail::check_size(wl_splice_all(wl::detail::fd_of(from), wl::detail::fd_of(to), len, via.c_handle(),
                                                transferred, in_pipe),
                                  "wl_splice_all");
}
/// Duplicates up to `len` bytes from one pipe into another without
/// consuming them (`tee(2)`).
template <class In, class Out>
std::size_t tee(const In& pipe_in, const Out& pipe_out, std::size_t len, unsigned flags = 0) {
    return wl::detail::check_size(wl_tee(wl::detail::fd_of(pipe_in), wl::detail::fd_of(pipe_out), len, flags),
                                  "wl_tee");
}

}  // namespace zerocopy

/// Readiness waits and error classification (Rust's `stream_ext`).
namespace stream_ext {

/// Interest / readiness bits for `wait` (`poll(2)`).
inline constexpr int readable = WL_READABLE;
/// Urgent data.
inline constexpr int priority = WL_PRIORITY;
/// Writable.
inline constexpr int writable = WL_WRITABLE;
/// An error is pending (reported even when not asked for).
inline constexpr int error = WL_ERROR;
/// Hung up (reported even when not asked for).
inline constexpr int hangup = WL_HANGUP;
/// The peer shut down its writing side.
inline constexpr int read_hangup = WL_READ_HANGUP;

/// Waits until `fd` (a socket object, OwnedFd or descriptor) is ready for
/// any of `interest` or `timeout` passes (std::nullopt: forever). Returns
/// the ready bits, 0 on timeout; EINTR is reported, not retried.
template <class S>
int wait(const S& fd, int interest, std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    return wl::detail::check(wl_wait(wl::detail::fd_of(fd), interest, wl::detail::poll_ms(timeout)), "wl_wait");
}
/// Waits, without throwing.
template <class S>
Result<int> try_wait(const S& fd, int interest, std::optional<std::chrono::milliseconds> timeout = std::nullopt) noexcept {
    const int rc = wl_wait(wl::detail::try_fd_of(fd), interest, wl::detail::poll_ms(timeout));
    if (rc < 0) return wl::detail::fail(rc);
    return rc;
}
/// The symbolic name of an error ("ECONNREFUSED"; "UNKNOWN" otherwise).
inline std::string_view errno_name(const std::error_code& ec) noexcept { return wl_errno_name(ec.value()); }
/// Whether retrying the same call later may succeed (EAGAIN, EINTR,
/// EINPROGRESS, ENOBUFS).
inline bool is_transient(const std::error_code& ec) noexcept { return wl_is_transient(ec.value()) == 1; }

}  // namespace stream_ext

#undef WL_HPP_OPTION
#undef WL_HPP_OPTION_READ

// ---------------------------------------------------------------------------
// Builders: create, configure, bind/listen/connect in one call. The config
// types are small values: define once, reuse everywhere.
// ---------------------------------------------------------------------------

/// Address reuse (`SO_REUSEADDR`, `SO_REUSEPORT`), set before bind. IP only.
class ReuseConfig {
public:
    /// Neither.
    constexpr ReuseConfig() noexcept = default;
    /// `SO_REUSEADDR`: rebind a port still in `TIME_WAIT` (server restarts).
    constexpr ReuseConfig addr(bool enable = true) const noexcept {
        ReuseConfig r = *this;
        r.c_.addr = enable;
        return r;
    }
    /// `SO_REUSEPORT`: several sockets share one address; the kernel balances.
    constexpr ReuseConfig port(bool enable = true) const noexcept {
        ReuseConfig r = *this;
        r.c_.port = enable;
        return r;
    }
    /// Both, for load-balanced servers.
    constexpr ReuseConfig both() const noexcept { return addr(true).port(true); }
    /// Whether `SO_REUSEADDR` is set.
    constexpr bool is_addr() const noexcept { return c_.addr; }
    /// Whether `SO_REUSEPORT` is set.
    constexpr bool is_port() const noexcept { return c_.port; }
    /// The C form.
    constexpr const wl_reuse_config& raw() const noexcept { return c_; }
    /// Applies the options to any socket (before bind); unset ones are not touched.
    template <class S>
    void apply(const S& socket) const {
        detail::check(wl_reuse_config_apply(&c_, detail::fd_of(socket)), "wl_reuse_config_apply");
    }

private:
    wl_reuse_config c_{};
};

/// Kernel buffer sizes (`SO_SNDBUF`, `SO_RCVBUF`); unset keeps the default
/// (and TCP autotuning).
class BufferConfig {
public:
    /// Kernel defaults.
    constexpr BufferConfig() noexcept = default;
    /// Requested send buffer in bytes.
    constexpr BufferConfig send(std::size_t bytes) const noexcept {
        BufferConfig b = *this;
        b.c_.send = bytes;
        return b;
    }
    /// Requested receive buffer in bytes.
    constexpr BufferConfig recv(std::size_t bytes) const noexcept {
        BufferConfig b = *this;
        b.c_.recv = bytes;
        return b;
    }
    /// Both buffers.
    constexpr BufferConfig both(std::size_t bytes) const noexcept { return send(bytes).recv(bytes); }
    /// The send size requested, if any.
    constexpr std::optional<std::size_t> send_size() const noexcept {
        return c_.send ? std::optional<std::size_t>(c_.send) : std::nullopt;
    }
    /// The receive size requested, if any.
    constexpr std::optional<std::size_t> recv_size() const noexcept {
        return c_.recv ? std::optional<std::size_t>(c_.recv) : std::nullopt;
    }
    /// The C form.
    constexpr const wl_buffer_config& raw() const noexcept { return c_; }
    /// Applies the sizes to any socket (for TCP before listen/connect).
    template <class S>
    void apply(const S& socket) const {
        detail::check(wl_buffer_config_apply(&c_, detail::fd_of(socket)), "wl_buffer_config_apply");
    }

private:
    wl_buffer_config c_{};
};

/// TCP keepalive timing (`TCP_KEEPIDLE`, `TCP_KEEPINTVL`, `TCP_KEEPCNT`);
/// unset parts keep the `net.ipv4.tcp_keepalive_*` defaults. Giving it to
/// `TcpConfig::keepalive` turns keepalive on.
class KeepaliveConfig {
public:
    /// System defaults.
    constexpr KeepaliveConfig() noexcept = default;
    /// Idle time before the first probe (1..32767 s).
    constexpr KeepaliveConfig idle(std::chrono::seconds time) const noexcept {
        KeepaliveConfig k = *this;
        k.c_.idle_secs = static_cast<std::uint32_t>(time.count());
        return k;
    }
    /// Idle seconds before the first probe.
    constexpr KeepaliveConfig idle(std::uint32_t secs) const noexcept { return idle(std::chrono::seconds(secs)); }
    /// Time between probes (1..32767 s).
    constexpr KeepaliveConfig interval(std::chrono::seconds time) const noexcept {
        KeepaliveConfig k = *this;
        k.c_.interval_secs = static_cast<std::uint32_t>(time.count());
        return k;
    }
    /// Seconds between probes.
    constexpr KeepaliveConfig interval(std::uint32_t secs) const noexcept {
        return interval(std::chrono::seconds(secs));
    }
    /// Unanswered probes before the connection drops (1..127).
    constexpr KeepaliveConfig count(std::uint32_t probes) const noexcept {
        KeepaliveConfig k = *this;
        k.c_.count = probes;
        return k;
    }
    /// The C form.
    constexpr const wl_keepalive_config& raw() const noexcept { return c_; }
    /// Turns keepalive on for a TCP socket and sets the parts given.
    template <class S>
    void apply(const S& socket) const {
        detail::check(wl_keepalive_config_apply(&c_, detail::fd_of(socket)), "wl_keepalive_config_apply");
    }

private:
    wl_keepalive_config c_{};
};

/// TCP settings (`tcp(7)`). On a listener Linux copies them to every
/// accepted connection. IP only.
class TcpConfig {
public:
    /// Kernel defaults.
    TcpConfig() = default;
    /// `TCP_NODELAY`.
    TcpConfig nodelay(bool enable = true) const {
        TcpConfig t = *this;
        t.c_.nodelay = enable;
        return t;
    }
    /// Keepalive on, with this timing.
    TcpConfig keepalive(const KeepaliveConfig& k) const {
        TcpConfig t = *this;
        t.c_.keepalive = k.raw();
        t.c_.keepalive.enable = true;
        return t;
    }
    /// `TCP_USER_TIMEOUT`.
    TcpConfig user_timeout(std::chrono::milliseconds timeout) const {
        TcpConfig t = *this;
        t.c_.user_timeout_ms = static_cast<std::uint32_t>(timeout.count());
        return t;
    }
    /// `TCP_CONGESTION` algorithm, e.g. "cubic".
    TcpConfig congestion(std::string_view algorithm) const {
        TcpConfig t = *this;
        t.congestion_ = std::string(algorithm);
        return t;
    }
    /// Applies the settings to a TCP socket; the first failure is thrown
    /// (the options before it stay set).
    template <class S>
    void apply(const S& socket) const {
        const wl_tcp_config c = raw();
        detail::check(wl_tcp_config_apply(&c, detail::fd_of(socket)), "wl_tcp_config_apply");
    }
    /// The C form; its `congestion` pointer lives as long as this object.
    wl_tcp_config raw() const noexcept {
        wl_tcp_config c = c_;
        c.congestion = congestion_ ? congestion_->c_str() : nullptr;
        return c;
    }

private:
    wl_tcp_config c_{};
    std::optional<std::string> congestion_;
};

/// Creates, configures, binds and listens in one call (`ListenerBuilder`):
/// `ListenerBuilder<Ipv4>().reuse(reuse).tcp(tcp).backlog(4096).bind(addr)`.
/// Options a domain lacks do not exist on its builder.
template <class D>
class ListenerBuilder {
public:
    /// The address type of the domain.
    using Addr = typename D::Addr;
    /// Kernel defaults, backlog 128.
    ListenerBuilder() = default;
    /// Buffer sizes, inherited by accepted connections.
    ListenerBuilder buffers(const BufferConfig& b) const { return with([&](auto& s) { s.c_.buffers = b.raw(); }); }
    /// The `listen(2)` backlog.
    ListenerBuilder backlog(std::uint32_t n) const { return with([&](auto& s) { s.c_.backlog = n; }); }
    /// Non-blocking listener (accept then fails with EAGAIN when none is pending).
    ListenerBuilder nonblocking(bool on = true) const { return with([&](auto& s) { s.c_.nonblocking = on; }); }
    /// Address reuse. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ListenerBuilder reuse(const ReuseConfig& r) const {
        return with([&](auto& s) { s.c_.reuse = r.raw(); });
    }
    /// `SO_REUSEADDR`. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ListenerBuilder reuse_addr(bool on = true) const {
        return with([&](auto& s) { s.c_.reuse.addr = on; });
    }
    /// `SO_REUSEPORT`. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ListenerBuilder reuse_port(bool on = true) const {
        return with([&](auto& s) { s.c_.reuse.port = on; });
    }
    /// TCP settings, inherited by accepted connections. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ListenerBuilder tcp(const TcpConfig& t) const {
        return with([&](auto& s) { s.tcp_ = t; });
    }
    /// `TCP_FASTOPEN` queue length. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ListenerBuilder fastopen(std::uint32_t qlen) const {
        return with([&](auto& s) { s.c_.fastopen_qlen = qlen; });
    }
    /// `IPV6_V6ONLY`. IPv6 only.
    template <class DD = D, detail::if_ipv6<DD> = 0>
    ListenerBuilder only_v6(bool on = true) const {
        return with([&](auto& s) { s.c_.only_v6 = on; });
    }
    /// Creates, configures, binds and listens. On failure nothing is left open.
    [[nodiscard]] Listener<D> bind(const Addr& addr) const {
        const wl_listener_config c = cfg();
        wl_listener* out = nullptr;
        detail::check(wl_listener_build(&c, &addr.raw(), &out), "wl_listener_build");
        return detail::Access::make<Listener<D>>(out);
    }
    /// Builds the listener, without throwing.
    [[nodiscard]] Result<Listener<D>> try_bind(const Addr& addr) const {
        const wl_listener_config c = cfg();
        wl_listener* out = nullptr;
        const int rc = wl_listener_build(&c, &addr.raw(), &out);
        if (rc < 0) return detail::fail(rc);
        return detail::Access::make<Listener<D>>(out);
    }

private:
    template <class F>
    ListenerBuilder with(F f) const {
        ListenerBuilder b = *this;
        f(b);
        return b;
    }
    wl_listener_config cfg() const noexcept {
        wl_listener_config c = c_;
        c.tcp = tcp_.raw();
        return c;
    }
    wl_listener_config c_{};
    TcpConfig tcp_;
};

/// Creates, configures, optionally binds, and connects (`ConnectorBuilder`).
template <class D>
class ConnectorBuilder {
public:
    /// The address type of the domain.
    using Addr = typename D::Addr;
    /// Kernel defaults.
    ConnectorBuilder() = default;
    /// Buffer sizes.
    ConnectorBuilder buffers(const BufferConfig& b) const { return with([&](auto& s) { s.c_.buffers = b.raw(); }); }
    /// Binds to `addr` before connecting (source port / interface).
    ConnectorBuilder local_addr(const Addr& addr) const { return with([&](auto& s) { s.local_ = addr; }); }
    /// Bounds a blocking connect (ETIMEDOUT after it), rounded up to ms;
    /// zero or negative: no bound (the kernel's own limit).
    template <class Rep, class Period>
    ConnectorBuilder timeout(std::chrono::duration<Rep, Period> t) const {
        const auto ms = detail::timeout_ms(t);
        return with([&](auto& s) { s.c_.timeout_ms = ms ? *ms : 0; });
    }
    /// Non-blocking once connected.
    ConnectorBuilder nonblocking(bool on = true) const { return with([&](auto& s) { s.c_.nonblocking = on; }); }
    /// Address reuse. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ConnectorBuilder reuse(const ReuseConfig& r) const {
        return with([&](auto& s) { s.c_.reuse = r.raw(); });
    }
    /// `SO_REUSEADDR`. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ConnectorBuilder reuse_addr(bool on = true) const {
        return with([&](auto& s) { s.c_.reuse.addr = on; });
    }
    /// `SO_REUSEPORT`. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ConnectorBuilder reuse_port(bool on = true) const {
        return with([&](auto& s) { s.c_.reuse.port = on; });
    }
    /// TCP settings. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    ConnectorBuilder tcp(const TcpConfig& t) const {
        return with([&](auto& s) { s.tcp_ = t; });
    }
    /// Creates, configures and connects, blocking until the handshake
    /// completes or the timeout passes. On failure nothing is left open.
    [[nodiscard]] ConnectedStream<D> connect(const Addr& peer) const {
        wl_connector_config c = cfg();
        wl_conn* out = nullptr;
        detail::check(wl_connector_connect(&c, &peer.raw(), &out), "wl_connector_connect");
        return detail::Access::make<ConnectedStream<D>>(out);
    }
    /// Connects, without throwing.
    [[nodiscard]] Result<ConnectedStream<D>> try_connect(const Addr& peer) const {
        wl_connector_config c = cfg();
        wl_conn* out = nullptr;
        const int rc = wl_connector_connect(&c, &peer.raw(), &out);
        if (rc < 0) return detail::fail(rc);
        return detail::Access::make<ConnectedStream<D>>(out);
    }
    /// Starts connecting without waiting: wait, then `finish()`.
    [[nodiscard]] PendingConnect<D> connect_nonblocking(const Addr& peer) const {
        wl_connector_config c = cfg();
        wl_pending* out = nullptr;
        detail::check(wl_connector_connect_nonblocking(&c, &peer.raw(), &out), "wl_connector_connect_nonblocking");
        return detail::Access::make<PendingConnect<D>>(out);
    }
    /// Starts connecting, without throwing.
    [[nodiscard]] Result<PendingConnect<D>> try_connect_nonblocking(const Addr& peer) const {
        wl_connector_config c = cfg();
        wl_pending* out = nullptr;
        const int rc = wl_connector_connect_nonblocking(&c, &peer.raw(), &out);
        if (rc < 0) return detail::fail(rc);
        return detail::Access::make<PendingConnect<D>>(out);
    }

private:
    template <class F>
    ConnectorBuilder with(F f) const {
        ConnectorBuilder b = *this;
        f(b);
        return b;
    }
    // The returned struct points into this object (tcp_, local_).
    wl_connector_config cfg() const noexcept {
        wl_connector_config c = c_;
        c.tcp = tcp_.raw();
        c.local_addr = local_ ? &local_->raw() : nullptr;
        return c;
    }
    wl_connector_config c_{};
    TcpConfig tcp_;
    std::optional<Addr> local_;
};

/// Creates, configures and binds or connects a datagram socket (`DatagramBuilder`).
template <class D>
class DatagramBuilder {
public:
    /// The address type of the domain.
    using Addr = typename D::Addr;
    /// Kernel defaults.
    DatagramBuilder() = default;
    /// Buffer sizes.
    DatagramBuilder buffers(const BufferConfig& b) const { return with([&](auto& s) { s.c_.buffers = b.raw(); }); }
    /// Non-blocking socket.
    DatagramBuilder nonblocking(bool on = true) const { return with([&](auto& s) { s.c_.nonblocking = on; }); }
    /// Address reuse. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    DatagramBuilder reuse(const ReuseConfig& r) const {
        return with([&](auto& s) { s.c_.reuse = r.raw(); });
    }
    /// `SO_REUSEADDR`. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    DatagramBuilder reuse_addr(bool on = true) const {
        return with([&](auto& s) { s.c_.reuse.addr = on; });
    }
    /// `SO_REUSEPORT`. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    DatagramBuilder reuse_port(bool on = true) const {
        return with([&](auto& s) { s.c_.reuse.port = on; });
    }
    /// `IP_TTL` / `IPV6_UNICAST_HOPS`. IP only.
    template <class DD = D, detail::if_inet<DD> = 0>
    DatagramBuilder ttl(std::uint32_t hops) const {
        return with([&](auto& s) { s.c_.ttl = hops; });
    }
    /// `SO_BROADCAST`. IPv4 only.
    template <class DD = D, detail::if_ipv4<DD> = 0>
    DatagramBuilder broadcast(bool on = true) const {
        return with([&](auto& s) { s.c_.broadcast = on; });
    }
    /// `IPV6_V6ONLY`. IPv6 only.
    template <class DD = D, detail::if_ipv6<DD> = 0>
    DatagramBuilder only_v6(bool on = true) const {
        return with([&](auto& s) { s.c_.only_v6 = on; });
    }
    /// Creates, configures and binds: sends to and receives from anyone.
    [[nodiscard]] BoundDatagram<D> bind(const Addr& addr) const {
        wl_dgram* out = nullptr;
        detail::check(wl_datagram_bind(&c_, &addr.raw(), &out), "wl_datagram_bind");
        return detail::Access::make<BoundDatagram<D>>(out);
    }
    /// Binds, without throwing.
    [[nodiscard]] Result<BoundDatagram<D>> try_bind(const Addr& addr) const noexcept {
        wl_dgram* out = nullptr;
        const int rc = wl_datagram_bind(&c_, &addr.raw(), &out);
        if (rc < 0) return detail::fail(rc);
        return detail::Access::make<BoundDatagram<D>>(out);
    }
    /// Creates, configures and fixes the peer (nothing is sent).
    [[nodiscard]] ConnectedDatagram<D> connect(const Addr& peer) const {
        wl_dgram_conn* out = nullptr;
        detail::check(wl_datagram_connect(&c_, &peer.raw(), &out), "wl_datagram_connect");
        return detail::Access::make<ConnectedDatagram<D>>(out);
    }
    /// Connects, without throwing.
    [[nodiscard]] Result<ConnectedDatagram<D>> try_connect(const Addr& peer) const noexcept {
        wl_dgram_conn* out = nullptr;
        const int rc = wl_datagram_connect(&c_, &peer.raw(), &out);
        if (rc < 0) return detail::fail(rc);
        return detail::Access::make<ConnectedDatagram<D>>(out);
    }

private:
    template <class F>
    DatagramBuilder with(F f) const {
        DatagramBuilder b = *this;
        f(b);
        return b;
    }
    wl_datagram_config c_{};
};

// ---------------------------------------------------------------------------
// Servers in production: socket activation (sd_listen_fds), readiness
// notification (sd_notify) and listener handover to a successor process.
// ---------------------------------------------------------------------------

namespace activation {

/// `READY=1`: start-up finished.
inline constexpr std::string_view ready = "READY=1";
/// `STOPPING=1`: the service is beginning its shutdown.
inline constexpr std::string_view stopping = "STOPPING=1";
/// `RELOADING=1`: the service is reloading (send `ready` when done).
inline constexpr std::string_view reloading = "RELOADING=1";

namespace detail {
struct InheritedDeleter {
    void operator()(wl_inherited* s) const noexcept { wl_inherited_free(s); }
};
// A NUL-terminated copy for the C calls; a NUL inside is EINVAL there.
inline std::string c_string(std::string_view text, const char* what) {
    if (text.find('\0') != std::string_view::npos)
        wl::detail::throw_error(std::make_error_code(std::errc::invalid_argument),
                                std::string(what) + " contains a NUL byte");
    return std::string(text);
}
}  // namespace detail

/// Descriptors inherited by this process, with names: from `listen_fds()`
/// or a predecessor's handover (`handover::receive`). Take each as its
/// typed state by index or name: `take_listener<Ipv4>("web")`; the
/// library checks with the kernel that it is that kind of socket in that
/// domain, and on a mismatch the descriptor stays here and the error
/// names it and what it is. Whatever is never taken is closed with this
/// object. Every descriptor is close-on-exec.
class [[nodiscard]] InheritedSockets {
public:
    /// How many descriptors were inherited (taken ones included).
    std::size_t size() const { return static_cast<std::size_t>(wl::detail::check(wl_inherited_count(h()), "wl_inherited_count")); }
    /// The name of descriptor `index` ("unknown" when the manager gave none).
    std::string name(std::size_t index) const {
        const int n = wl::detail::check(wl_inherited_name(h(), index, nullptr, 0), "wl_inherited_name");
        std::string out(static_cast<std::size_t>(n) + 1, '\0');
        wl::detail::check(wl_inherited_name(h(), index, out.data(), out.size()), "wl_inherited_name");
        out.resize(static_cast<std::size_t>(n));
        return out;
    }
    /// The index of the first descriptor called `name`, if any.
    std::optional<std::size_t> index_of(std::string_view name) const {
        const std::string n = detail::c_string(name, "name");
        const int rc = wl_inherited_index_of(h(), n.c_str());
        if (rc == -ENOENT) return std::nullopt;
        return static_cast<std::size_t>(wl::detail::check(rc, "wl_inherited_index_of"));
    }
    /// The number descriptor `index` had when it was inherited (3, 4, ...).
    int fd(std::size_t index) const { return wl::detail::check(wl_inherited_fd(h(), index), "wl_inherited_fd"); }

    /// Takes descriptor `index` as a `Listener<D>` (throws `std::system_error`
    /// naming the descriptor on a mismatch; it then stays here).
    template <class D>
    [[nodiscard]] Listener<D> take_listener(std::size_t index) {
        return take<Listener<D>, wl_listener>(index, D::family, wl_inherited_take_listener);
    }
    /// Takes the first descriptor called `name` as a `Listener<D>`.
    template <class D>
    [[nodiscard]] Listener<D> take_listener(std::string_view name) {
        return take_named<Listener<D>, wl_listener>(name, D::family, wl_inherited_take_listener_named);
    }
    /// Takes descriptor `index` as a `Listener<D>`, without throwing.
    template <class D>
    [[nodiscard]] Result<Listener<D>> try_take_listener(std::size_t index) noexcept {
        return try_take<Listener<D>, wl_listener>(index, D::family, wl_inherited_take_listener);
    }
    /// Takes descriptor `index` as a `BoundDatagram<D>`.
    template <class D>
    [[nodiscard]] BoundDatagram<D> take_datagram(std::size_t index) {
        return take<BoundDatagram<D>, wl_dgram>(index, D::family, wl_inherited_take_dgram);
    }
    /// Takes the first descriptor called `name` as a `BoundDatagram<D>`.
    template <class D>
    [[nodiscard]] BoundDatagram<D> take_datagram(std::string_view name) {
        return take_named<BoundDatagram<D>, wl_dgram>(name, D::family, wl_inherited_take_dgram_named);
    }
    /// Takes descriptor `index` as a `ConnectedDatagram<D>`.
    template <class D>
    [[nodiscard]] ConnectedDatagram<D> take_connected_datagram(std::size_t index) {
        return take<ConnectedDatagram<D>, wl_dgram_conn>(index, D::family, wl_inherited_take_dgram_conn);
    }
    /// Takes the first descriptor called `name` as a `ConnectedDatagram<D>`.
    template <class D>
    [[nodiscard]] ConnectedDatagram<D> take_connected_datagram(std::string_view name) {
        return take_named<ConnectedDatagram<D>, wl_dgram_conn>(name, D::family,
                                                              wl_inherited_take_dgram_conn_named);
    }

    /// Wraps a C handle (this object frees it).
    explicit InheritedSockets(wl_inherited* set) noexcept : s_(set) {}

private:
    wl_inherited* h() const noexcept { return s_.get(); }
    template <class S, class H, class F>
    S take(std::size_t index, int family, F f) {
        H* out = nullptr;
        wl::detail::check(f(h(), index, family, &out), "wl_inherited_take");
        return wl::detail::Access::make<S>(out);
    }
    template <class S, class H, class F>
    S take_named(std::string_view name, int family, F f) {
        const std::string n = detail::c_string(name, "name");
        H* out = nullptr;
        wl::detail::check(f(h(), n.c_str(), family, &out), "wl_inherited_take");
        return wl::detail::Access::make<S>(out);
    }
    template <class S, class H, class F>
    Result<S> try_take(std::size_t index, int family, F f) noexcept {
        H* out = nullptr;
        const int rc = f(h(), index, family, &out);
        if (rc < 0) return wl::detail::fail(rc);
        return wl::detail::Access::make<S>(out);
    }
    std::unique_ptr<wl_inherited, detail::InheritedDeleter> s_;
};

/// The descriptors passed by socket activation (`sd_listen_fds(3)`), each
/// made close-on-exec. Throws `std::system_error`: ENOENT (not
/// socket-activated), EINVAL (malformed variables, `LISTEN_PID` of another
/// process), EBADF (a counted descriptor is not open). With
/// `unset_environment` the variables are unset either way (call early,
/// before threads start: `setenv(3)` is not thread-safe).
[[nodiscard]] inline InheritedSockets listen_fds(bool unset_environment = true) {
    wl_inherited* out = nullptr;
    wl::detail::check(wl_activation_listen_fds(unset_environment, &out), "wl_activation_listen_fds");
    return InheritedSockets(out);
}

/// `listen_fds`, without throwing.
[[nodiscard]] inline Result<InheritedSockets> try_listen_fds(bool unset_environment = true) noexcept {
    wl_inherited* out = nullptr;
    const int rc = wl_activation_listen_fds(unset_environment, &out);
    if (rc < 0) return wl::detail::fail(rc);
    return InheritedSockets(out);
}

/// Sends `state` (`ready`, `stopping`, "STATUS=...") to `NOTIFY_SOCKET`
/// (`sd_notify(3)`): true once sent, false when the variable is not set.
inline bool notify(std::string_view state) {
    const std::string s = detail::c_string(state, "state");
    return wl::detail::check(wl_activation_notify(s.c_str()), "wl_activation_notify") == 1;
}

/// Sends `state` to the notification socket `socket` (a path or "@name").
inline void notify_to(std::string_view socket, std::string_view state) {
    const std::string so = detail::c_string(socket, "socket");
    const std::string st = detail::c_string(state, "state");
    wl::detail::check(wl_activation_notify_to(so.c_str(), st.c_str()), "wl_activation_notify_to");
}

}  // namespace activation

namespace handover {

/// The sockets to hand to a successor, with names (listeners and datagram
/// sockets). It BORROWS each socket added: keep them alive until `send`
/// has returned.
class [[nodiscard]] Handover {
public:
    Handover() {
        wl_handover* h = nullptr;
        wl::detail::check(wl_handover_new(&h), "wl_handover_new");
        h_.reset(h);
    }
    /// Adds a listener under `name`.
    template <class D>
    Handover& add(std::string_view name, const Listener<D>& s) {
        const std::string n = activation::detail::c_string(name, "name");
        wl::detail::check(wl_handover_add_listener(h_.get(), n.c_str(), wl::detail::Access::handle(s)),
                          "wl_handover_add_listener");
        return *this;
    }
    /// Adds a bound datagram socket under `name`.
    template <class D>
    Handover& add(std::string_view name, const BoundDatagram<D>& s) {
        const std::string n = activation::detail::c_string(name, "name");
        wl::detail::check(wl_handover_add_dgram(h_.get(), n.c_str(), wl::detail::Access::handle(s)),
                          "wl_handover_add_dgram");
        return *this;
    }
    /// Adds a connected datagram socket under `name`.
    template <class D>
    Handover& add(std::string_view name, const ConnectedDatagram<D>& s) {
        const std::string n = activation::detail::c_string(name, "name");
        wl::detail::check(wl_handover_add_dgram_conn(h_.get(), n.c_str(), wl::detail::Access::handle(s)),
                          "wl_handover_add_dgram_conn");
        return *this;
    }
    /// Sends every socket with its name in one message over `channel` and
    /// waits for the successor's `acknowledge`. When this returns, stop
    /// accepting (destroy the listeners), drain, exit. Throws
    /// `std::system_error` (ENODATA: the successor closed the channel
    /// first); on any error the sockets are still yours.
    void send(const ConnectedStream<Unix>& channel) const {
        wl::detail::check(wl_handover_send(h_.get(), wl::detail::Access::handle(channel)), "wl_handover_send");
    }

private:
    struct Deleter {
        void operator()(wl_handover* h) const noexcept { wl_handover_free(h); }
    };
    std::unique_ptr<wl_handover, Deleter> h_;
};

/// In the successor: receives the predecessor's sockets and names.
[[nodiscard]] inline activation::InheritedSockets receive(const ConnectedStream<Unix>& channel) {
    wl_inherited* out = nullptr;
    wl::detail::check(wl_handover_receive(wl::detail::Access::handle(channel), &out), "wl_handover_receive");
    return activation::InheritedSockets(out);
}

/// In the successor: tells the predecessor the sockets are adopted.
inline void acknowledge(const ConnectedStream<Unix>& channel) {
    wl::detail::check(wl_handover_acknowledge(wl::detail::Access::handle(channel)), "wl_handover_acknowledge");
}

/// In a successor: the handover channel from `WIRELANE_HANDOVER_FD` (the
/// variable is unset); `std::nullopt` on a first start.
[[nodiscard]] inline std::optional<ConnectedStream<Unix>> channel_from_env() {
    wl_conn* out = nullptr;
    if (wl::detail::check(wl_handover_channel_from_env(&out), "wl_handover_channel_from_env") == 0)
        return std::nullopt;
    return wl::detail::Access::make<ConnectedStream<Unix>>(out);
}

/// A spawned successor: its pid (reap it with `waitpid(2)`) and this
/// process's end of the handover channel.
struct Successor {
    pid_t pid;
    ConnectedStream<Unix> channel;
};

/// Starts `path` with `argv` (argv[0] first) as the successor, with the
/// handover channel inherited (`WIRELANE_HANDOVER_FD`).
[[nodiscard]] inline Successor spawn_successor(const std::string& path, const std::vector<std::string>& argv) {
    std::vector<const char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& a : argv) args.push_back(a.c_str());
    args.push_back(nullptr);
    pid_t pid = -1;
    wl_conn* channel = nullptr;
    wl::detail::check(wl_handover_spawn(path.c_str(), args.data(), &pid, &channel), "wl_handover_spawn");
    return Successor{pid, wl::detail::Access::make<ConnectedStream<Unix>>(channel)};
}

}  // namespace handover

// ---------------------------------------------------------------------------
// Shorthands.
// ---------------------------------------------------------------------------

/// A new TCP/IPv4 socket: `wl::tcp4().bind(addr).listen(128)`.
[[nodiscard]] inline RawSocket<Ipv4, Stream> tcp4() { return RawSocket<Ipv4, Stream>::create(); }
/// A new TCP/IPv6 socket.
[[nodiscard]] inline RawSocket<Ipv6, Stream> tcp6() { return RawSocket<Ipv6, Stream>::create(); }
/// A new UDP/IPv4 socket.
[[nodiscard]] inline RawSocket<Ipv4, Datagram> udp4() { return RawSocket<Ipv4, Datagram>::create(); }
/// A new UDP/IPv6 socket.
[[nodiscard]] inline RawSocket<Ipv6, Datagram> udp6() { return RawSocket<Ipv6, Datagram>::create(); }
/// A new Unix stream socket.
[[nodiscard]] inline RawSocket<Unix, Stream> unix_stream() { return RawSocket<Unix, Stream>::create(); }
/// A new Unix datagram socket.
[[nodiscard]] inline RawSocket<Unix, Datagram> unix_datagram() { return RawSocket<Unix, Datagram>::create(); }

/// `RawSocket<Ipv4, Stream>`.
using Tcp4Socket = RawSocket<Ipv4, Stream>;
/// `RawSocket<Ipv6, Stream>`.
using Tcp6Socket = RawSocket<Ipv6, Stream>;
/// `RawSocket<Ipv4, Datagram>`.
using Udp4Socket = RawSocket<Ipv4, Datagram>;
/// `RawSocket<Ipv6, Datagram>`.
using Udp6Socket = RawSocket<Ipv6, Datagram>;
/// `RawSocket<Unix, Stream>`.
using UnixStreamSocket = RawSocket<Unix, Stream>;
/// `RawSocket<Unix, Datagram>`.
using UnixDatagramSocket = RawSocket<Unix, Datagram>;

// ---------------------------------------------------------------------------
// Connect by name (RFC 8305 Happy Eyeballs over the system resolver).
// ---------------------------------------------------------------------------

/// A TCP connection made by name: IPv4 or IPv6, decided at run time. Visit
/// it, or `std::get<ConnectedStream<Ipv4>>`, for the concrete state.
using InetStream = std::variant<ConnectedStream<Ipv4>, ConnectedStream<Ipv6>>;
/// A UDP socket connected by name: IPv4 or IPv6.
using InetDatagram = std::variant<ConnectedDatagram<Ipv4>, ConnectedDatagram<Ipv6>>;

/// The knobs of a connect by name (`wl_connect_opts`); the defaults are
/// RFC 8305's.
struct ConnectOptions {
    /// The Connection Attempt Delay; unset: 250 ms.
    std::optional<std::chrono::milliseconds> attempt_delay;
    /// The overall deadline, covering resolution and every attempt.
    std::optional<std::chrono::milliseconds> timeout;
    /// Bind every attempt to this address first; only its family is tried.
    std::optional<std::variant<SocketAddrV4, SocketAddrV6>> source;
    /// TCP Fast Open: sent in the SYN when the kernel has a cookie, right
    /// after the handshake otherwise. Empty: no Fast Open. Streams only.
    std::string_view fast_open_data;
    /// The timeout of each connection attempt (Python's
    /// `create_connection(timeout=...)`): a silent attempt fails with
    /// `ETIMEDOUT` and the next address starts at once; unset: none.
    std::optional<std::chrono::milliseconds> attempt_timeout;
};

namespace detail {

inline std::uint32_t ms32(std::optional<std::chrono::milliseconds> d) noexcept {
    if (!d || d->count() <= 0) return 0;
    return d->count() > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(d->count());
}

// The C options for `o`; `storage` keeps the source address alive.
inline wl_connect_opts c_opts(const ConnectOptions& o, wl_addr& storage) noexcept {
    wl_connect_opts c{};
    c.attempt_delay_ms = ms32(o.attempt_delay);
    c.timeout_ms = ms32(o.timeout);
    if (o.source) {
        storage = std::visit([](const auto& a) { return a.raw(); }, *o.source);
        c.source = &storage;
    }
    c.fastopen_data = reinterpret_cast<const std::uint8_t*>(o.fast_open_data.data());
    c.fastopen_len = o.fast_open_data.size();
    c.attempt_timeout_ms = ms32(o.attempt_timeout);
    return c;
}

// A connected stream of the family the library chose.
inline InetStream inet_stream(wl_conn* h) noexcept {
    if (socket_domain_of(wl_conn_fd(h)) == AF_INET6) return Access::make<ConnectedStream<Ipv6>>(h);
    return Access::make<ConnectedStream<Ipv4>>(h);
}

inline InetDatagram inet_datagram(wl_dgram_conn* h) noexcept {
    if (socket_domain_of(wl_dgram_conn_fd(h)) == AF_INET6) return Access::make<ConnectedDatagram<Ipv6>>(h);
    return Access::make<ConnectedDatagram<Ipv4>>(h);
}

}  // namespace detail

/// Resolves `host` (the system resolver: /etc/hosts, DNS; or an IP
/// literal) and connects following RFC 8305: both families interleaved, a
/// new attempt every attempt delay or as soon as one fails, the first
/// handshake wins, the others are closed. Blocks; the result is blocking.
/// Throws `std::system_error` (ENOENT: no such name; ETIMEDOUT; or the
/// last attempt's error, the message listing every address tried).
[[nodiscard]] inline InetStream connect_by_name(const std::string& host, std::uint16_t port,
                                               const ConnectOptions& options = {}) {
    wl_addr source{};
    const wl_connect_opts c = detail::c_opts(options, source);
    wl_conn* out = nullptr;
    detail::check(wl_connect_by_name(host.c_str(), port, &c, &out), "wl_connect_by_name");
    return detail::inet_stream(out);
}

/// `connect_by_name` without throwing.
[[nodiscard]] inline Result<InetStream> try_connect_by_name(const std::string& host, std::uint16_t port,
                                                            const ConnectOptions& options = {}) noexcept {
    wl_addr source{};
    const wl_connect_opts c = detail::c_opts(options, source);
    wl_conn* out = nullptr;
    const int rc = wl_connect_by_name(host.c_str(), port, &c, &out);
    if (rc < 0) return detail::fail(rc);
    return detail::inet_stream(out);
}

/// Resolves `host` and connects a UDP socket to the first address the
/// kernel accepts (`wl_dgram_connect_by_name`). Throws like
/// `connect_by_name`.
[[nodiscard]] inline InetDatagram connect_datagram_by_name(const std::string& host, std::uint16_t port,
                                                          const ConnectOptions& options = {}) {
    wl_addr source{};
    const wl_connect_opts c = detail::c_opts(options, source);
    wl_dgram_conn* out = nullptr;
    detail::check(wl_dgram_connect_by_name(host.c_str(), port, &c, &out), "wl_dgram_connect_by_name");
    return detail::inet_datagram(out);
}

/// A connect by name an event loop drives (`wl_connector`): wait until one
/// of `fds()` is writable or `timeout()` passes, then `step()`. Move-only;
/// destroying it closes every attempt in flight.
class [[nodiscard]] Connector {
public:
    /// Resolves `host` (blocking, bounded by `options.timeout`) and starts
    /// the race. Throws like `connect_by_name`.
    static Connector start(const std::string& host, std::uint16_t port, const ConnectOptions& options = {}) {
        wl_addr source{};
        const wl_connect_opts c = detail::c_opts(options, source);
        wl_connector* h = nullptr;
        detail::check(wl_connector_start(host.c_str(), port, &c, &h), "wl_connector_start");
        return Connector(h);
    }

    /// The descriptors of the attempts in flight: wait for `POLLOUT`. They
    /// change after every `step()`; they stay owned by the connector.
    std::vector<int> fds() const {
        std::vector<int> out(4);
        for (;;) {
            const int n = detail::check(wl_connector_fds(h_.get(), out.data(), out.size()), "wl_connector_fds");
            if (static_cast<std::size_t>(n) <= out.size()) {
                out.resize(static_cast<std::size_t>(n));
                return out;
            }
            out.resize(static_cast<std::size_t>(n));
        }
    }

    /// How long to wait before the next `step()` at the latest; none: only
    /// a writable descriptor moves the race on.
    std::optional<std::chrono::milliseconds> timeout() const {
        int ms = 0;
        detail::check(wl_connector_timeout_ms(h_.get(), &ms), "wl_connector_timeout_ms");
        if (ms < 0) return std::nullopt;
        return std::chrono::milliseconds(ms);
    }

    /// Moves the race on without blocking: the (non-blocking) winner once a
    /// handshake completed -- the connector is empty afterwards -- or
    /// `std::nullopt` while the race goes on. Throws the final error once
    /// every attempt failed or the deadline passed.
    std::optional<InetStream> step() {
        wl_conn* out = nullptr;
        const int rc = wl_connector_step(h_.get(), &out);
        if (rc == -EAGAIN) return std::nullopt;
        detail::check(rc, "wl_connector_step");
        (void)h_.release();  // consumed by the successful step
        return detail::inet_stream(out);
    }

    /// Blocks until the race is won (the non-blocking winner; the
    /// connector is empty afterwards) or lost (throws the final error).
    /// EINTR (a signal) throws too; the race is intact, call again.
    [[nodiscard]] InetStream wait() {
        wl_conn* out = nullptr;
        detail::check(wl_connector_wait(h_.get(), &out), "wl_connector_wait");
        (void)h_.release();  // consumed by the successful wait
        return detail::inet_stream(out);
    }

private:
    explicit Connector(wl_connector* h) noexcept : h_(h) {}
    struct Free {
        void operator()(wl_connector* h) const noexcept { wl_connector_free(h); }
    };
    std::unique_ptr<wl_connector, Free> h_;
};

// ---------------------------------------------------------------------------
// Event loops (issue 15): handles non-blocking from birth, and wakes.
// `wl::nonblock` is `WL_NONBLOCK`: the descriptor is created with
// `SOCK_NONBLOCK` by the call that makes it (socket, accept4, socketpair),
// so an event loop (asio, libuv, epoll) never calls fcntl; close-on-exec is
// always on. On such a handle a call that would wait fails with EAGAIN
// (`std::errc::resource_unavailable_try_again`), having done nothing.
// ---------------------------------------------------------------------------

/// `WL_NONBLOCK`, for `open_socket`, `accept` and the `pair` functions below.
inline constexpr unsigned nonblock = WL_NONBLOCK;

/// Creates a `RawSocket<D, T>` (`wl_raw_open`): `flags` 0 or `wl::nonblock`,
/// `protocol` 0 for the default (or `IPPROTO_TCP`/`IPPROTO_MPTCP` for an
/// internet stream, `IPPROTO_UDP` for an internet datagram socket).
/// `auto s = wl::open_socket<wl::Ipv6, wl::Stream>(wl::nonblock);`
/// Throws for unknown flag bits (EINVAL), an unsupported protocol, EMFILE, ...
template <class D, class T>
[[nodiscard]] RawSocket<D, T> open_socket(unsigned flags, int protocol = 0) {
    wl_raw* h = nullptr;
    detail::check(wl_raw_open(D::family, T::type, protocol, flags, &h), "wl_raw_open");
    return detail::Access::make<RawSocket<D, T>>(h);
}
/// `open_socket`, without throwing.
template <class D, class T>
[[nodiscard]] Result<RawSocket<D, T>> try_open_socket(unsigned flags, int protocol = 0) noexcept {
    wl_raw* h = nullptr;
    const int rc = wl_raw_open(D::family, T::type, protocol, flags, &h);
    if (rc < 0) return detail::fail(rc);
    return detail::Access::make<RawSocket<D, T>>(h);
}

namespace detail {
// IPPROTO_MPTCP (Linux's number); older libc headers lack the name.
inline constexpr int ipproto_mptcp = 262;
}  // namespace detail

/// A new MPTCP/IPv4 socket (`IPPROTO_MPTCP`, see `mptcp(7)`), `flags` 0 or
/// `wl::nonblock`: `wl::mptcp4().bind(addr).listen(128)`, then the TCP
/// states as for `wl::tcp4()`. Where the kernel lacks MPTCP it throws with
/// the cause named by `what()`: `std::errc::no_protocol_option`
/// (ENOPROTOOPT, disabled by `net.mptcp.enabled`) or
/// `std::errc::protocol_not_supported` (no kernel support).
[[nodiscard]] inline RawSocket<Ipv4, Stream> mptcp4(unsigned flags = 0) {
    return open_socket<Ipv4, Stream>(flags, detail::ipproto_mptcp);
}
/// A new MPTCP/IPv6 socket; see `mptcp4`.
[[nodiscard]] inline RawSocket<Ipv6, Stream> mptcp6(unsigned flags = 0) {
    return open_socket<Ipv6, Stream>(flags, detail::ipproto_mptcp);
}

/// Accepts one connection with `flags` (`wl::nonblock`: the connection is
/// non-blocking from birth, `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)`):
/// `wl_listener_accept_flags`. Whether it waits depends on the listener:
/// a non-blocking one with nothing queued throws EAGAIN (use `try_accept`
/// in a loop: `resource_unavailable_try_again` means "drained").
template <class D>
[[nodiscard]] std::pair<ConnectedStream<D>, typename D::Addr> accept(const Listener<D>& listener, unsigned flags) {
    wl_conn* out = nullptr;
    wl_addr peer{};
    detail::check(wl_listener_accept_flags(detail::Access::handle(listener), flags, &out, &peer),
                  "wl_listener_accept_flags");
    return {detail::Access::make<ConnectedStream<D>>(out), detail::Access::addr<typename D::Addr>(peer)};
}
/// `accept` with flags, without throwing.
template <class D>
[[nodiscard]] Result<std::pair<ConnectedStream<D>, typename D::Addr>> try_accept(const Listener<D>& listener,
                                                                                  unsigned flags) noexcept {
    wl_conn* out = nullptr;
    wl_addr peer{};
    const int rc = wl_listener_accept_flags(detail::Access::handle(listener), flags, &out, &peer);
    if (rc < 0) return detail::fail(rc);
    return std::pair<ConnectedStream<D>, typename D::Addr>(detail::Access::make<ConnectedStream<D>>(out),
                                                           detail::Access::addr<typename D::Addr>(peer));
}

/// A connected Unix stream pair with `flags` (`wl_conn_pair_flags`).
[[nodiscard]] inline std::pair<ConnectedStream<Unix>, ConnectedStream<Unix>> stream_pair(unsigned flags) {
    wl_conn* a = nullptr;
    wl_conn* b = nullptr;
    detail::check(wl_conn_pair_flags(flags, &a, &b), "wl_conn_pair_flags");
    return {detail::Access::make<ConnectedStream<Unix>>(a), detail::Access::make<ConnectedStream<Unix>>(b)};
}
/// A connected Unix datagram pair with `flags` (`wl_dgram_conn_pair_flags`).
[[nodiscard]] inline std::pair<ConnectedDatagram<Unix>, ConnectedDatagram<Unix>> datagram_pair(unsigned flags) {
    wl_dgram_conn* a = nullptr;
    wl_dgram_conn* b = nullptr;
    detail::check(wl_dgram_conn_pair_flags(flags, &a, &b), "wl_dgram_conn_pair_flags");
    return {detail::Access::make<ConnectedDatagram<Unix>>(a), detail::Access::make<ConnectedDatagram<Unix>>(b)};
}

/// Stops the listener and wakes every thread blocked in its accept
/// (`wl_listener_shutdown`): they, and every later accept, throw EINVAL
/// ("shut down"). The listener is finished: destroy it.
template <class D>
void shutdown(const Listener<D>& listener) {
    detail::check(wl_listener_shutdown(detail::Access::handle(listener)), "wl_listener_shutdown");
}
/// Shuts down a bound datagram socket (`wl_dgram_shutdown`, `how` is
/// `SHUT_RD`/`SHUT_WR`/`SHUT_RDWR`), waking blocked receives: a blocking
/// `recv_from` then throws ESHUTDOWN once the queue is empty.
template <class D>
void shutdown(const BoundDatagram<D>& sock, int how) {
    detail::check(wl_dgram_shutdown(detail::Access::handle(sock), how), "wl_dgram_shutdown");
}
/// Shuts down a connected datagram socket (`wl_dgram_conn_shutdown`),
/// waking blocked receives (a blocking `recv` then returns 0).
template <class D>
void shutdown(const ConnectedDatagram<D>& sock, int how) {
    detail::check(wl_dgram_conn_shutdown(detail::Access::handle(sock), how), "wl_dgram_conn_shutdown");
}

}  // namespace wl

// ---------------------------------------------------------------------------
// Socket kinds beyond TCP and UDP (issue 17): Unix SEQPACKET, ICMP echo and
// raw IP sockets, each state its own class over its own C handle, as in
// Rust (RawSocket<D, SeqPacket>, ConnectedSeqPacket, RawSocket<D, Icmp>,
// BoundDatagram<D, Icmp>, ...). An operation exists only on the states where
// it is valid: a listener cannot send, a bound ICMP socket has no
// `send_echo` (it names the host on each `send_echo_to`), and `wl::Unix`
// has no ICMP or raw IP sockets at all.
// ---------------------------------------------------------------------------

namespace wl {

/// Sequenced packets (`SOCK_SEQPACKET`, see `unix(7)`): connection-oriented
/// like a stream, but message by message. `wl::Unix` only.
struct SeqPacket {
    /// `SOCK_SEQPACKET`.
    static constexpr int type = SOCK_SEQPACKET;
};
/// ICMP echo ("ping") sockets (`SOCK_DGRAM` + `IPPROTO_ICMP`/`IPPROTO_ICMPV6`,
/// see `icmp(7)`): no privilege needed, only a group inside
/// `net.ipv4.ping_group_range`. `wl::Ipv4` and `wl::Ipv6` only.
struct Icmp {
    /// `SOCK_DGRAM`.
    static constexpr int type = SOCK_DGRAM;
};
/// Raw IP sockets (`SOCK_RAW`, see `raw(7)`): need `CAP_NET_RAW` over the
/// current network namespace. `wl::Ipv4` and `wl::Ipv6` only.
struct RawIp {
    /// `SOCK_RAW`.
    static constexpr int type = SOCK_RAW;
};

/// One received ICMP echo reply: identifier (this socket's), sequence
/// number, and the payload length now at the front of the caller's buffer.
using EchoReply = wl_echo_reply;

/// A seqpacket message longer than the receive buffer: thrown by
/// `ConnectedSeqPacket::recv` (errno `EMSGSIZE`), never a silent cut. The
/// buffer holds the first `received()` bytes; the rest of the message is
/// gone unless the receive only peeked.
class MessageTruncated : public std::system_error {
public:
    /// The error for a message of `message_len` bytes received into `received` bytes.
    MessageTruncated(std::size_t received, std::size_t message_len, const std::string& what)
        : std::system_error(std::make_error_code(std::errc::message_size), what),
          received_(received),
          message_len_(message_len) {}
    /// How many bytes of the message are in the buffer.
    std::size_t received() const noexcept { return received_; }
    /// The whole message's length (the kernel's `MSG_TRUNC` report).
    std::size_t message_len() const noexcept { return message_len_; }

private:
    std::size_t received_;
    std::size_t message_len_;
};

template <>
class RawSocket<Unix, SeqPacket>;
template <>
class BoundSocket<Unix, SeqPacket>;
class SeqPacketListener;
class ConnectedSeqPacket;
template <class D>
class BoundIcmp;
template <class D>
class ConnectedIcmp;
template <class D>
class BoundRawIp;
template <class D>
class ConnectedRawIp;

namespace detail {

// What every state has, for the kinds' handles: the same HandleOps and
// FromFd as the TCP/UDP states (WL_HPP_HANDLE_OPS, WL_HPP_FROM_FD above);
// every kind's state can adopt a descriptor.
#define WL_HPP_KIND_HANDLE(H) \
    WL_HPP_HANDLE_OPS(H)      \
    WL_HPP_FROM_FD(H)

WL_HPP_KIND_HANDLE(wl_seqpacket_raw)
WL_HPP_KIND_HANDLE(wl_seqpacket_bound)
WL_HPP_KIND_HANDLE(wl_seqpacket_listener)
WL_HPP_KIND_HANDLE(wl_seqpacket)
WL_HPP_KIND_HANDLE(wl_icmp_raw)
WL_HPP_KIND_HANDLE(wl_icmp)
WL_HPP_KIND_HANDLE(wl_icmp_conn)
WL_HPP_KIND_HANDLE(wl_rawip_raw)
WL_HPP_KIND_HANDLE(wl_rawip)
WL_HPP_KIND_HANDLE(wl_rawip_conn)
#undef WL_HPP_KIND_HANDLE
#undef WL_HPP_FROM_FD
#undef WL_HPP_HANDLE_OPS

template <class D>
inline constexpr bool is_inet = std::is_same_v<D, Ipv4> || std::is_same_v<D, Ipv6>;

}  // namespace detail

// --- SEQPACKET --------------------------------------------------------------

/// A connected Unix seqpacket socket: every `send` is one message, whole or
/// not at all; every `recv` returns exactly one, and a message longer than
/// the buffer throws `MessageTruncated` instead of being cut silently.
/// Sends use `MSG_NOSIGNAL` (EPIPE, never SIGPIPE).
class [[nodiscard]] ConnectedSeqPacket : public detail::SocketBase<ConnectedSeqPacket, wl_seqpacket, Unix> {
    using Base = detail::SocketBase<ConnectedSeqPacket, wl_seqpacket, Unix>;

public:
    /// A pair of connected seqpacket sockets (`socketpair(2)`); `flags` 0 or
    /// `wl::nonblock` (both ends non-blocking from birth:
    /// `wl_seqpacket_pair_flags`). Throws for unknown flag bits (EINVAL).
    [[nodiscard]] static std::pair<ConnectedSeqPacket, ConnectedSeqPacket> pair(unsigned flags = 0) {
        wl_seqpacket* a = nullptr;
        wl_seqpacket* b = nullptr;
        detail::check(wl_seqpacket_pair_flags(flags, &a, &b), "wl_seqpacket_pair_flags");
        return {ConnectedSeqPacket(a), ConnectedSeqPacket(b)};
    }

    /// Sends one message of `len` bytes (`send(2)`, `MSG_NOSIGNAL`); returns
    /// `len`. EMSGSIZE for a message larger than the send buffer allows.
    std::size_t send(const void* data, std::size_t len, int flags = 0) const {
        return detail::check_size(wl_seqpacket_send(this->h(), data, len, flags), "wl_seqpacket_send");
    }
    /// Sends `bytes` as one message.
    std::size_t send(std::string_view bytes, int flags = 0) const { return send(bytes.data(), bytes.size(), flags); }
    /// Sends one message, without throwing.
    [[nodiscard]] Result<std::size_t> try_send(std::string_view bytes, int flags = 0) const noexcept {
        return detail::size_result(wl_seqpacket_send(this->h(), bytes.data(), bytes.size(), flags));
    }

    /// Receives exactly one message into `buf` (`recv(2)`); returns its
    /// length (0: an empty message, or the peer shut down). A message
    /// longer than `len` throws `MessageTruncated` with both lengths.
    [[nodiscard]] std::size_t recv(void* buf, std::size_t len, int flags = 0) const {
        std::size_t whole = 0;
        const ssize_t rc = wl_seqpacket_recv(this->h(), buf, len, flags, &whole);
        if (rc == -EMSGSIZE) throw MessageTruncated(len, whole, last_error_message());
        return detail::check_size(rc, "wl_seqpacket_recv");
    }
    /// Receives one message, without throwing: EMSGSIZE for a message
    /// longer than `len`, whose whole length then goes to `*message_len`
    /// (if not null).
    [[nodiscard]] Result<std::size_t> try_recv(void* buf, std::size_t len, int flags = 0,
                                               std::size_t* message_len = nullptr) const noexcept {
        return detail::size_result(wl_seqpacket_recv(this->h(), buf, len, flags, message_len));
    }
    /// Receives the next message whole, whatever its size (`next_len`, then
    /// `recv` into a string of that size).
    [[nodiscard]] std::string recv_message() const {
        std::string out(next_len(), '\0');
        out.resize(recv(out.data(), out.size()));
        return out;
    }
    /// The length of the next message without consuming it
    /// (`MSG_PEEK | MSG_TRUNC`); blocks like `recv`.
    [[nodiscard]] std::size_t next_len() const {
        return detail::check_size(wl_seqpacket_next_len(this->h()), "wl_seqpacket_next_len");
    }
    /// Shuts down one or both directions (`shutdown(2)`).
    void shutdown(Shutdown how) const {
        detail::check(wl_seqpacket_shutdown(this->h(), static_cast<int>(how)), "wl_seqpacket_shutdown");
    }
    /// The peer's address (`getpeername(2)`).
    [[nodiscard]] UnixAddr peer_addr() const {
        wl_addr a{};
        detail::check(wl_seqpacket_peer_addr(this->h(), &a), "wl_seqpacket_peer_addr");
        return detail::Access::addr<UnixAddr>(a);
    }
    /// The peer's credentials at connect time (`SO_PEERCRED`).
    [[nodiscard]] UCred peer_credentials() const {
        UCred c{};
        detail::check(wl_seqpacket_peer_credentials(this->h(), &c), "wl_seqpacket_peer_credentials");
        return c;
    }
    /// A second object for the same socket (`F_DUPFD_CLOEXEC`).
    [[nodiscard]] ConnectedSeqPacket try_clone() const {
        wl_seqpacket* out = nullptr;
        detail::check(wl_seqpacket_try_clone(this->h(), &out), "wl_seqpacket_try_clone");
        return ConnectedSeqPacket(out);
    }

private:
    friend struct detail::Access;
    explicit ConnectedSeqPacket(wl_seqpacket* h) noexcept : Base(h) {}
};

/// A listening Unix seqpacket socket (`Listener<Unix, SeqPacket>` in
/// Rust): `accept` returns `ConnectedSeqPacket`s and borrows it.
class [[nodiscard]] SeqPacketListener : public detail::SocketBase<SeqPacketListener, wl_seqpacket_listener, Unix> {
    using Base = detail::SocketBase<SeqPacketListener, wl_seqpacket_listener, Unix>;

public:
    /// Accepts one connection (`accept4(2)`, close-on-exec); blocks unless
    /// non-blocking (then EAGAIN when none is pending).
    [[nodiscard]] ConnectedSeqPacket accept() const;
    /// Accepts one connection, without throwing.
    [[nodiscard]] Result<ConnectedSeqPacket> try_accept() const noexcept;
    /// Accepts one connection and returns it with the client's address.
    [[nodiscard]] std::pair<ConnectedSeqPacket, UnixAddr> accept_with_addr() const;

private:
    friend struct detail::Access;
    explicit SeqPacketListener(wl_seqpacket_listener* h) noexcept : Base(h) {}
};

/// A bound, not yet listening Unix seqpacket socket: its one transition is
/// `listen`.
template <>
class [[nodiscard]] BoundSocket<Unix, SeqPacket>
    : public detail::SocketBase<BoundSocket<Unix, SeqPacket>, wl_seqpacket_bound, Unix> {
    using Base = detail::SocketBase<BoundSocket<Unix, SeqPacket>, wl_seqpacket_bound, Unix>;

public:
    /// Starts listening (`listen(2)`) with up to `backlog` pending connections.
    [[nodiscard]] SeqPacketListener listen(unsigned int backlog) &&;
    /// Starts listening; on failure the error holds this socket.
    [[nodiscard]] Transition<SeqPacketListener, BoundSocket> try_listen(unsigned int backlog) &&;
    WL_HPP_CONSUMES(listen)
    WL_HPP_CONSUMES(try_listen)

private:
    friend struct detail::Access;
    explicit BoundSocket(wl_seqpacket_bound* h) noexcept : Base(h) {}
};

/// A fresh Unix seqpacket socket (`socket(AF_UNIX, SOCK_SEQPACKET)`,
/// close-on-exec): `bind` (then `listen`) or `connect`.
template <>
class [[nodiscard]] RawSocket<Unix, SeqPacket>
    : public detail::SocketBase<RawSocket<Unix, SeqPacket>, wl_seqpacket_raw, Unix> {
    using Base = detail::SocketBase<RawSocket<Unix, SeqPacket>, wl_seqpacket_raw, Unix>;
    using D = Unix;

public:
    /// `wl::SeqPacket`.
    using socket_type = SeqPacket;
    /// `wl::UnixAddr`.
    using Addr = UnixAddr;

    /// Creates the socket; `flags` 0 or `wl::nonblock` (non-blocking from
    /// birth, and so are the listener or connection it becomes). Throws for
    /// unknown flag bits (EINVAL), EMFILE, ...
    [[nodiscard]] static RawSocket create(unsigned flags = 0) {
        wl_seqpacket_raw* h = nullptr;
        detail::check(wl_seqpacket_raw_new(flags, &h), "wl_seqpacket_raw_new");
        return RawSocket(h);
    }
    /// Creates the socket, without throwing.
    [[nodiscard]] static Result<RawSocket> try_create(unsigned flags = 0) noexcept {
        wl_seqpacket_raw* h = nullptr;
        const int rc = wl_seqpacket_raw_new(flags, &h);
        if (rc < 0) return detail::fail(rc);
        return RawSocket(h);
    }
    /// Binds to a Unix address (`bind(2)`); consumes the socket on success,
    /// throws and leaves it untouched on failure.
    [[nodiscard]] BoundSocket<Unix, SeqPacket> bind(const UnixAddr& addr) &&;
    /// Binds; on failure the error holds this socket.
    [[nodiscard]] Transition<BoundSocket<Unix, SeqPacket>, RawSocket> try_bind(const UnixAddr& addr) &&;
    /// Connects to a listening seqpacket socket (`connect(2)`).
    [[nodiscard]] ConnectedSeqPacket connect(const UnixAddr& addr) &&;
    /// Connects; on failure the error holds this socket.
    [[nodiscard]] Transition<ConnectedSeqPacket, RawSocket> try_connect(const UnixAddr& addr) &&;

    WL_HPP_CONSUMES(bind)
    WL_HPP_CONSUMES(try_bind)
    WL_HPP_CONSUMES(connect)
    WL_HPP_CONSUMES(try_connect)
    WL_HPP_WRONG_ADDR(bind, BoundSocket<Unix WL_HPP_COMMA SeqPacket>)
    WL_HPP_WRONG_ADDR(connect, ConnectedSeqPacket)

private:
    friend struct detail::Access;
    explicit RawSocket(wl_seqpacket_raw* h) noexcept : Base(h) {}
};

inline BoundSocket<Unix, SeqPacket> RawSocket<Unix, SeqPacket>::bind(const UnixAddr& addr) && {
    return detail::transition<BoundSocket<Unix, SeqPacket>>(
        *this, [&](wl_seqpacket_raw* h, wl_seqpacket_bound** out) { return wl_seqpacket_raw_bind(h, &addr.raw(), out); },
        "wl_seqpacket_raw_bind");
}
inline Transition<BoundSocket<Unix, SeqPacket>, RawSocket<Unix, SeqPacket>> RawSocket<Unix, SeqPacket>::try_bind(
    const UnixAddr& addr) && {
    return detail::try_transition<BoundSocket<Unix, SeqPacket>>(
        *this, [&](wl_seqpacket_raw* h, wl_seqpacket_bound** out) { return wl_seqpacket_raw_bind(h, &addr.raw(), out); });
}
inline ConnectedSeqPacket RawSocket<Unix, SeqPacket>::connect(const UnixAddr& addr) && {
    return detail::transition<ConnectedSeqPacket>(
        *this, [&](wl_seqpacket_raw* h, wl_seqpacket** out) { return wl_seqpacket_raw_connect(h, &addr.raw(), out); },
        "wl_seqpacket_raw_connect");
}
inline Transition<ConnectedSeqPacket, RawSocket<Unix, SeqPacket>> RawSocket<Unix, SeqPacket>::try_connect(
    const UnixAddr& addr) && {
    return detail::try_transition<ConnectedSeqPacket>(
        *this, [&](wl_seqpacket_raw* h, wl_seqpacket** out) { return wl_seqpacket_raw_connect(h, &addr.raw(), out); });
}
inline SeqPacketListener BoundSocket<Unix, SeqPacket>::listen(unsigned int backlog) && {
    return detail::transition<SeqPacketListener>(
        *this, [&](wl_seqpacket_bound* h, wl_seqpacket_listener** out) { return wl_seqpacket_bound_listen(h, backlog, out); },
        "wl_seqpacket_bound_listen");
}
inline Transition<SeqPacketListener, BoundSocket<Unix, SeqPacket>> BoundSocket<Unix, SeqPacket>::try_listen(
    unsigned int backlog) && {
    return detail::try_transition<SeqPacketListener>(
        *this, [&](wl_seqpacket_bound* h, wl_seqpacket_listener** out) { return wl_seqpacket_bound_listen(h, backlog, out); });
}
inline ConnectedSeqPacket SeqPacketListener::accept() const {
    wl_seqpacket* out = nullptr;
    detail::check(wl_seqpacket_listener_accept(this->h(), &out, nullptr), "wl_seqpacket_listener_accept");
    return detail::Access::make<ConnectedSeqPacket>(out);
}
inline Result<ConnectedSeqPacket> SeqPacketListener::try_accept() const noexcept {
    wl_seqpacket* out = nullptr;
    const int rc = wl_seqpacket_listener_accept(this->h(), &out, nullptr);
    if (rc < 0) return detail::fail(rc);
    return detail::Access::make<ConnectedSeqPacket>(out);
}
inline std::pair<ConnectedSeqPacket, UnixAddr> SeqPacketListener::accept_with_addr() const {
    wl_seqpacket* out = nullptr;
    wl_addr peer{};
    detail::check(wl_seqpacket_listener_accept(this->h(), &out, &peer), "wl_seqpacket_listener_accept");
    return {detail::Access::make<ConnectedSeqPacket>(out), detail::Access::addr<UnixAddr>(peer)};
}

/// A new Unix seqpacket socket: `wl::unix_seqpacket().bind(addr).listen(8)`;
/// `wl::unix_seqpacket(wl::nonblock)` for an event loop.
[[nodiscard]] inline RawSocket<Unix, SeqPacket> unix_seqpacket(unsigned flags = 0) {
    return RawSocket<Unix, SeqPacket>::create(flags);
}

/// Accepts one seqpacket connection with `flags` (`wl::nonblock`: the
/// connection is non-blocking from birth, `accept4(SOCK_NONBLOCK |
/// SOCK_CLOEXEC)`): `wl_seqpacket_listener_accept_flags`. Whether it waits
/// depends on the listener: a non-blocking one with nothing queued throws
/// EAGAIN (use `try_accept` in a loop: `resource_unavailable_try_again`
/// means "drained").
[[nodiscard]] inline std::pair<ConnectedSeqPacket, UnixAddr> accept(const SeqPacketListener& listener,
                                                                    unsigned flags) {
    wl_seqpacket* out = nullptr;
    wl_addr peer{};
    detail::check(wl_seqpacket_listener_accept_flags(detail::Access::handle(listener), flags, &out, &peer),
                  "wl_seqpacket_listener_accept_flags");
    return {detail::Access::make<ConnectedSeqPacket>(out), detail::Access::addr<UnixAddr>(peer)};
}
/// Seqpacket `accept` with flags, without throwing.
[[nodiscard]] inline Result<std::pair<ConnectedSeqPacket, UnixAddr>> try_accept(const SeqPacketListener& listener,
                                                                                unsigned flags) noexcept {
    wl_seqpacket* out = nullptr;
    wl_addr peer{};
    const int rc = wl_seqpacket_listener_accept_flags(detail::Access::handle(listener), flags, &out, &peer);
    if (rc < 0) return detail::fail(rc);
    return std::pair<ConnectedSeqPacket, UnixAddr>(detail::Access::make<ConnectedSeqPacket>(out),
                                                   detail::Access::addr<UnixAddr>(peer));
}
/// Stops a seqpacket listener and wakes every thread blocked in its accept
/// (`wl_seqpacket_listener_shutdown`): they, and every later accept that
/// would wait, throw EINVAL ("shut down"). The listener is finished:
/// destroy it.
inline void shutdown(const SeqPacketListener& listener) {
    detail::check(wl_seqpacket_listener_shutdown(detail::Access::handle(listener)), "wl_seqpacket_listener_shutdown");
}

// --- ICMP echo ------------------------------------------------------------------

/// A fresh ICMP echo socket of domain `D` (`wl::Ipv4` or `wl::Ipv6`):
/// `bind` (ping anyone) or `connect` (ping one host).
template <class D>
class [[nodiscard]] RawSocket<D, Icmp> : public detail::SocketBase<RawSocket<D, Icmp>, wl_icmp_raw, D> {
    static_assert(detail::is_inet<D>, "wirelane: ICMP echo sockets exist for wl::Ipv4 and wl::Ipv6 only");
    using Base = detail::SocketBase<RawSocket<D, Icmp>, wl_icmp_raw, D>;

public:
    /// `wl::Icmp`.
    using socket_type = Icmp;
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Creates the socket; `flags` 0 or `wl::nonblock` (non-blocking from
    /// birth, and so are the states it becomes). EACCES (with the range in
    /// the message) when the process's groups are outside
    /// `net.ipv4.ping_group_range`; EINVAL for unknown flag bits.
    [[nodiscard]] static RawSocket create(unsigned flags = 0) {
        wl_icmp_raw* h = nullptr;
        detail::check(wl_icmp_raw_new(D::family, flags, &h), "wl_icmp_raw_new");
        return RawSocket(h);
    }
    /// Creates the socket, without throwing.
    [[nodiscard]] static Result<RawSocket> try_create(unsigned flags = 0) noexcept {
        wl_icmp_raw* h = nullptr;
        const int rc = wl_icmp_raw_new(D::family, flags, &h);
        if (rc < 0) return detail::fail(rc);
        return RawSocket(h);
    }
    /// Binds (its port is the echo identifier; 0 lets the kernel pick).
    [[nodiscard]] BoundIcmp<D> bind(const Addr& addr) && {
        return detail::transition<BoundIcmp<D>>(
            *this, [&](wl_icmp_raw* h, wl_icmp** out) { return wl_icmp_raw_bind(h, &addr.raw(), out); }, "wl_icmp_raw_bind");
    }
    /// Fixes the host to ping (nothing is sent; the port is ignored).
    [[nodiscard]] ConnectedIcmp<D> connect(const Addr& addr) && {
        return detail::transition<ConnectedIcmp<D>>(
            *this, [&](wl_icmp_raw* h, wl_icmp_conn** out) { return wl_icmp_raw_connect(h, &addr.raw(), out); },
            "wl_icmp_raw_connect");
    }
    WL_HPP_CONSUMES(bind)
    WL_HPP_CONSUMES(connect)
    WL_HPP_WRONG_ADDR(bind, BoundIcmp<D>)
    WL_HPP_WRONG_ADDR(connect, ConnectedIcmp<D>)

private:
    friend struct detail::Access;
    explicit RawSocket(wl_icmp_raw* h) noexcept : Base(h) {}
};

/// A bound ICMP echo socket (`BoundDatagram<D, Icmp>` in Rust): it pings any
/// host with `send_echo_to` and receives replies with `recv_echo_from`.
template <class D>
class [[nodiscard]] BoundIcmp : public detail::SocketBase<BoundIcmp<D>, wl_icmp, D> {
    static_assert(detail::is_inet<D>, "wirelane: ICMP echo sockets exist for wl::Ipv4 and wl::Ipv6 only");
    using Base = detail::SocketBase<BoundIcmp<D>, wl_icmp, D>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Sends an echo request with sequence number `seq` and `payload` to
    /// `to` (its port is ignored).
    void send_echo_to(const Addr& to, std::uint16_t seq, std::string_view payload = {}) const {
        detail::check(wl_icmp_send_echo_to(this->h(), &to.raw(), seq, payload.data(), payload.size()),
                      "wl_icmp_send_echo_to");
    }
    /// Receives one echo reply: its payload into `buf` (EMSGSIZE if longer
    /// than `len`), its header fields and the host that sent it.
    [[nodiscard]] std::pair<EchoReply, Addr> recv_echo_from(void* buf, std::size_t len) const {
        EchoReply r{};
        wl_addr from{};
        detail::check_size(wl_icmp_recv_echo_from(this->h(), buf, len, &r, &from), "wl_icmp_recv_echo_from");
        return {r, detail::Access::addr<Addr>(from)};
    }
    /// The echo identifier the kernel uses for this socket.
    [[nodiscard]] std::uint16_t ident() const {
        return static_cast<std::uint16_t>(detail::check(wl_icmp_ident(this->h()), "wl_icmp_ident"));
    }
    /// Fixes the host to ping.
    [[nodiscard]] ConnectedIcmp<D> connect(const Addr& addr) && {
        return detail::transition<ConnectedIcmp<D>>(
            *this, [&](wl_icmp* h, wl_icmp_conn** out) { return wl_icmp_connect(h, &addr.raw(), out); }, "wl_icmp_connect");
    }
    WL_HPP_CONSUMES(connect)
    WL_HPP_WRONG_ADDR(connect, ConnectedIcmp<D>)

private:
    friend struct detail::Access;
    explicit BoundIcmp(wl_icmp* h) noexcept : Base(h) {}
};

/// An ICMP echo socket locked to one host (`ConnectedDatagram<D, Icmp>` in
/// Rust): `send_echo` / `recv_echo` take no address.
template <class D>
class [[nodiscard]] ConnectedIcmp : public detail::SocketBase<ConnectedIcmp<D>, wl_icmp_conn, D> {
    static_assert(detail::is_inet<D>, "wirelane: ICMP echo sockets exist for wl::Ipv4 and wl::Ipv6 only");
    using Base = detail::SocketBase<ConnectedIcmp<D>, wl_icmp_conn, D>;

public:
    /// Sends an echo request with sequence number `seq` and `payload`.
    void send_echo(std::uint16_t seq, std::string_view payload = {}) const {
        detail::check(wl_icmp_conn_send_echo(this->h(), seq, payload.data(), payload.size()), "wl_icmp_conn_send_echo");
    }
    /// Sends an echo request, without throwing.
    [[nodiscard]] Result<void> try_send_echo(std::uint16_t seq, std::string_view payload = {}) const noexcept {
        return detail::void_result(wl_icmp_conn_send_echo(this->h(), seq, payload.data(), payload.size()));
    }
    /// Receives one echo reply, its payload into `buf` (EMSGSIZE if longer than `len`).
    [[nodiscard]] EchoReply recv_echo(void* buf, std::size_t len) const {
        EchoReply r{};
        detail::check_size(wl_icmp_conn_recv_echo(this->h(), buf, len, &r), "wl_icmp_conn_recv_echo");
        return r;
    }
    /// Receives one echo reply, without throwing.
    [[nodiscard]] Result<EchoReply> try_recv_echo(void* buf, std::size_t len) const noexcept {
        EchoReply r{};
        const ssize_t rc = wl_icmp_conn_recv_echo(this->h(), buf, len, &r);
        if (rc < 0) return detail::fail(rc);
        return r;
    }
    /// The echo identifier the kernel uses for this socket.
    [[nodiscard]] std::uint16_t ident() const {
        return static_cast<std::uint16_t>(detail::check(wl_icmp_conn_ident(this->h()), "wl_icmp_conn_ident"));
    }

private:
    friend struct detail::Access;
    explicit ConnectedIcmp(wl_icmp_conn* h) noexcept : Base(h) {}
};

// --- raw IP -----------------------------------------------------------------------

/// A fresh raw IP socket of domain `D` for one IP protocol (1 to 255):
/// `bind` or `connect`. Needs `CAP_NET_RAW` (EPERM, with the reason, without).
template <class D>
class [[nodiscard]] RawSocket<D, RawIp> : public detail::SocketBase<RawSocket<D, RawIp>, wl_rawip_raw, D> {
    static_assert(detail::is_inet<D>, "wirelane: raw IP sockets exist for wl::Ipv4 and wl::Ipv6 only");
    using Base = detail::SocketBase<RawSocket<D, RawIp>, wl_rawip_raw, D>;

public:
    /// `wl::RawIp`.
    using socket_type = RawIp;
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Creates a raw socket for IP protocol `protocol` (`IPPROTO_UDP`, ...);
    /// `flags` 0 or `wl::nonblock` (non-blocking from birth, and so are the
    /// states it becomes). EINVAL for unknown flag bits.
    [[nodiscard]] static RawSocket create(int protocol, unsigned flags = 0) {
        wl_rawip_raw* h = nullptr;
        detail::check(wl_rawip_raw_new(D::family, protocol, flags, &h), "wl_rawip_raw_new");
        return RawSocket(h);
    }
    /// Creates the socket, without throwing.
    [[nodiscard]] static Result<RawSocket> try_create(int protocol, unsigned flags = 0) noexcept {
        wl_rawip_raw* h = nullptr;
        const int rc = wl_rawip_raw_new(D::family, protocol, flags, &h);
        if (rc < 0) return detail::fail(rc);
        return RawSocket(h);
    }
    /// Binds to a local address (the port is ignored).
    [[nodiscard]] BoundRawIp<D> bind(const Addr& addr) && {
        return detail::transition<BoundRawIp<D>>(
            *this, [&](wl_rawip_raw* h, wl_rawip** out) { return wl_rawip_raw_bind(h, &addr.raw(), out); },
            "wl_rawip_raw_bind");
    }
    /// Fixes the peer host.
    [[nodiscard]] ConnectedRawIp<D> connect(const Addr& addr) && {
        return detail::transition<ConnectedRawIp<D>>(
            *this, [&](wl_rawip_raw* h, wl_rawip_conn** out) { return wl_rawip_raw_connect(h, &addr.raw(), out); },
            "wl_rawip_raw_connect");
    }
    WL_HPP_CONSUMES(bind)
    WL_HPP_CONSUMES(connect)
    WL_HPP_WRONG_ADDR(bind, BoundRawIp<D>)
    WL_HPP_WRONG_ADDR(connect, ConnectedRawIp<D>)

private:
    friend struct detail::Access;
    explicit RawSocket(wl_rawip_raw* h) noexcept : Base(h) {}
};

/// A bound raw IP socket (`BoundDatagram<D, RawIp>` in Rust): `send_to` any
/// host, `recv_from` every packet of its protocol (IPv4 ones with the IP
/// header in front).
template <class D>
class [[nodiscard]] BoundRawIp : public detail::SocketBase<BoundRawIp<D>, wl_rawip, D> {
    static_assert(detail::is_inet<D>, "wirelane: raw IP sockets exist for wl::Ipv4 and wl::Ipv6 only");
    using Base = detail::SocketBase<BoundRawIp<D>, wl_rawip, D>;

public:
    /// The address type of the domain.
    using Addr = typename D::Addr;

    /// Sends one packet payload to `to`; returns its size.
    std::size_t send_to(std::string_view payload, const Addr& to, int flags = 0) const {
        return detail::check_size(wl_rawip_send_to(this->h(), payload.data(), payload.size(), &to.raw(), flags),
                                  "wl_rawip_send_to");
    }
    /// Receives one packet (truncated to `len`) and its sender.
    [[nodiscard]] std::pair<std::size_t, Addr> recv_from(void* buf, std::size_t len, int flags = 0) const {
        wl_addr from{};
        const std::size_t n =
            detail::check_size(wl_rawip_recv_from(this->h(), buf, len, &from, flags), "wl_rawip_recv_from");
        return {n, detail::Access::addr<Addr>(from)};
    }
    /// Fixes the peer host.
    [[nodiscard]] ConnectedRawIp<D> connect(const Addr& addr) && {
        return detail::transition<ConnectedRawIp<D>>(
            *this, [&](wl_rawip* h, wl_rawip_conn** out) { return wl_rawip_connect(h, &addr.raw(), out); },
            "wl_rawip_connect");
    }
    WL_HPP_CONSUMES(connect)
    WL_HPP_WRONG_ADDR(connect, ConnectedRawIp<D>)

private:
    friend struct detail::Access;
    explicit BoundRawIp(wl_rawip* h) noexcept : Base(h) {}
};

/// A raw IP socket locked to one host (`ConnectedDatagram<D, RawIp>` in Rust).
template <class D>
class [[nodiscard]] ConnectedRawIp : public detail::SocketBase<ConnectedRawIp<D>, wl_rawip_conn, D> {
    static_assert(detail::is_inet<D>, "wirelane: raw IP sockets exist for wl::Ipv4 and wl::Ipv6 only");
    using Base = detail::SocketBase<ConnectedRawIp<D>, wl_rawip_conn, D>;

public:
    /// Sends one packet payload; returns its size.
    std::size_t send(std::string_view payload, int flags = 0) const {
        return detail::check_size(wl_rawip_conn_send(this->h(), payload.data(), payload.size(), flags),
                                  "wl_rawip_conn_send");
    }
    /// Receives one packet (truncated to `len`).
    [[nodiscard]] std::size_t recv(void* buf, std::size_t len, int flags = 0) const {
        return detail::check_size(wl_rawip_conn_recv(this->h(), buf, len, flags), "wl_rawip_conn_recv");
    }

private:
    friend struct detail::Access;
    explicit ConnectedRawIp(wl_rawip_conn* h) noexcept : Base(h) {}
};

}  // namespace wl

#undef WL_HPP_CONSUMES
#undef WL_HPP_WRONG_ADDR
#undef WL_HPP_COMMA

#endif  // WIRELANE_HPP
