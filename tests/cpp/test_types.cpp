// The typestate, checked by the compiler: what each class has and lacks,
// what each transition returns, and that objects are move-only and one
// pointer big. (The compile-fail cases in compile_fail/ check the errors.)
#include "harness.hpp"

#include <type_traits>

namespace {

template <class T, class = void>
struct has_accept : std::false_type {};
template <class T>
struct has_accept<T, std::void_t<decltype(std::declval<const T&>().accept())>> : std::true_type {};

template <class T, class = void>
struct has_listen : std::false_type {};
template <class T>
struct has_listen<T, std::void_t<decltype(std::declval<T&&>().listen(1u))>> : std::true_type {};

template <class T, class A, class = void>
struct has_connect : std::false_type {};
template <class T, class A>
struct has_connect<T, A, std::void_t<decltype(std::declval<T&&>().connect(std::declval<const A&>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_connect_nonblocking : std::false_type {};
template <class T>
struct has_connect_nonblocking<
    T, std::void_t<decltype(std::declval<T&&>().connect_nonblocking(std::declval<const typename T::Addr&>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_send : std::false_type {};
template <class T>
struct has_send<T, std::void_t<decltype(std::declval<const T&>().send("x"))>> : std::true_type {};

template <class T, class = void>
struct has_send_to : std::false_type {};
template <class T>
struct has_send_to<T, std::void_t<decltype(std::declval<const T&>().send_to(
                          "x", std::declval<const typename T::Addr&>()))>> : std::true_type {};

template <class T, class = void>
struct has_pair : std::false_type {};
template <class T>
struct has_pair<T, std::void_t<decltype(T::pair())>> : std::true_type {};

template <class T, class = void>
struct has_peer_credentials : std::false_type {};
template <class T>
struct has_peer_credentials<T, std::void_t<decltype(std::declval<const T&>().peer_credentials())>>
    : std::true_type {};

template <class T, class = void>
struct has_finish : std::false_type {};
template <class T>
struct has_finish<T, std::void_t<decltype(std::declval<T&&>().finish())>> : std::true_type {};

template <class T, class = void>
struct has_from_fd : std::false_type {};
template <class T>
struct has_from_fd<T, std::void_t<decltype(T::from_fd(0))>> : std::true_type {};

template <class T, class = void>
struct has_shutdown : std::false_type {};
template <class T>
struct has_shutdown<T, std::void_t<decltype(std::declval<const T&>().shutdown(wl::Shutdown::Both))>>
    : std::true_type {};

using V4 = wl::SocketAddrV4;
using TcpRaw = wl::RawSocket<wl::Ipv4, wl::Stream>;
using UdpRaw = wl::RawSocket<wl::Ipv4, wl::Datagram>;
using Bound = wl::BoundSocket<wl::Ipv4, wl::Stream>;
using Listen = wl::Listener<wl::Ipv4>;
using Conn = wl::ConnectedStream<wl::Ipv4>;
using Pending = wl::PendingConnect<wl::Ipv4>;
using BDgram = wl::BoundDatagram<wl::Ipv4>;
using CDgram = wl::ConnectedDatagram<wl::Ipv4>;

// Methods exist exactly on the states where they are valid.
static_assert(!has_accept<TcpRaw>::value && !has_accept<Bound>::value && has_accept<Listen>::value &&
              !has_accept<Conn>::value && !has_accept<BDgram>::value);
static_assert(has_listen<Bound>::value && !has_listen<TcpRaw>::value && !has_listen<Listen>::value);
static_assert(has_connect<TcpRaw, V4>::value && has_connect<UdpRaw, V4>::value && has_connect<BDgram, V4>::value);
static_assert(!has_connect<Bound, V4>::value && !has_connect<Listen, V4>::value && !has_connect<Conn, V4>::value &&
              !has_connect<CDgram, V4>::value);
static_assert(has_connect_nonblocking<TcpRaw>::value && !has_connect_nonblocking<UdpRaw>::value);
static_assert(has_send<Conn>::value && has_send<CDgram>::value && !has_send<BDgram>::value &&
              !has_send<TcpRaw>::value && !has_send<Listen>::value);
static_assert(has_send_to<BDgram>::value && !has_send_to<CDgram>::value && !has_send_to<Conn>::value);
static_assert(has_shutdown<Conn>::value && !has_shutdown<CDgram>::value);
static_assert(has_finish<Pending>::value && !has_finish<TcpRaw>::value);
static_assert(has_from_fd<TcpRaw>::value && has_from_fd<Conn>::value && !has_from_fd<Pending>::value);
// Unix-only calls exist only for Unix.
static_assert(has_pair<wl::ConnectedStream<wl::Unix>>::value && !has_pair<Conn>::value);
static_assert(has_pair<wl::ConnectedDatagram<wl::Unix>>::value && !has_pair<CDgram>::value);
static_assert(has_peer_credentials<wl::ConnectedStream<wl::Unix>>::value && !has_peer_credentials<Conn>::value);

// Transitions return the next state; on an rvalue only.
static_assert(std::is_same_v<decltype(std::declval<TcpRaw&&>().bind(std::declval<const V4&>())), Bound>);
static_assert(std::is_same_v<decltype(std::declval<Bound&&>().listen(1u)), Listen>);
static_assert(std::is_same_v<decltype(std::declval<TcpRaw&&>().connect(std::declval<const V4&>())), Conn>);
static_assert(
    std::is_same_v<decltype(std::declval<TcpRaw&&>().connect_nonblocking(std::declval<const V4&>())), Pending>);
static_assert(std::is_same_v<decltype(std::declval<Pending&&>().finish()), Conn>);
static_assert(std::is_same_v<decltype(std::declval<UdpRaw&&>().bind(std::declval<const V4&>())), BDgram>);
static_assert(std::is_same_v<decltype(std::declval<UdpRaw&&>().connect(std::declval<const V4&>())), CDgram>);
static_assert(std::is_same_v<decltype(std::declval<BDgram&&>().connect(std::declval<const V4&>())), CDgram>);
static_assert(std::is_same_v<decltype(std::declval<const Listen&>().accept()), Conn>);
static_assert(std::is_same_v<decltype(std::declval<TcpRaw&&>().try_bind(std::declval<const V4&>())),
                             wl::Transition<Bound, TcpRaw>>);
static_assert(std::is_same_v<decltype(std::declval<Pending&&>().try_finish()), wl::Transition<Conn, Pending>>);
// A const object has no transition at all (an lvalue gets a diagnostic:
// compile_fail/lvalue_transition.cpp).
static_assert(!has_listen<const Bound>::value);

// Addresses follow the domain.
static_assert(std::is_same_v<wl::Ipv4::Addr, wl::SocketAddrV4> && std::is_same_v<wl::Ipv6::Addr, wl::SocketAddrV6> &&
              std::is_same_v<wl::Unix::Addr, wl::UnixAddr>);
static_assert(std::is_same_v<Conn::address_type, wl::SocketAddrV4>);
static_assert(std::is_same_v<decltype(std::declval<const wl::Listener<wl::Unix>&>().accept_with_addr()),
                             std::pair<wl::ConnectedStream<wl::Unix>, wl::UnixAddr>>);

// Move-only, nothrow-movable, and one C handle pointer big.
template <class T>
constexpr bool move_only = !std::is_copy_constructible_v<T> && !std::is_copy_assignable_v<T> &&
                           std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T>;
static_assert(move_only<TcpRaw> && move_only<UdpRaw> && move_only<Bound> && move_only<Listen> && move_only<Conn> &&
              move_only<Pending> && move_only<BDgram> && move_only<CDgram>);
static_assert(sizeof(TcpRaw) == sizeof(void*) && sizeof(Conn) == sizeof(void*) && sizeof(CDgram) == sizeof(void*));
static_assert(std::is_empty_v<wl::Ipv4> && std::is_empty_v<wl::Stream> && std::is_empty_v<wl::Datagram>);

// std::expected when the standard library has it.
#if defined(__cpp_lib_expected)
static_assert(std::is_same_v<wl::Result<int>, std::expected<int, std::error_code>>);
#endif

}  // namespace

WLT_TEST(types_typestate_is_checked_at_compile_time) {
    // Everything above is a static_assert; reaching here means it held.
#if defined(__cpp_lib_expected)
    CHECK_EQ(WL_HPP_STD_EXPECTED, 1);
#else
    CHECK_EQ(WL_HPP_STD_EXPECTED, 0);
#endif
}
