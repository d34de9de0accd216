// A local address to bind for each domain: loopback port 0 for IP, a
// unique path (removed at scope exit) for Unix.
#ifndef WLT_DOMAINS_HPP
#define WLT_DOMAINS_HPP

#include "harness.hpp"

template <class D>
struct Local;

template <>
struct Local<wl::Ipv4> {
    static constexpr const char* name = "ipv4";
    wl::SocketAddrV4 addr = wl::SocketAddrV4::localhost(0);
};

template <>
struct Local<wl::Ipv6> {
    static constexpr const char* name = "ipv6";
    wl::SocketAddrV6 addr = wl::SocketAddrV6::localhost(0);
};

template <>
struct Local<wl::Unix> {
    static constexpr const char* name = "unix";
    wlt::Unlink file{wlt::unix_path("d")};
    wl::UnixAddr addr = wl::UnixAddr::from_path(file.path);
};

// A listener on a fresh local address, with the test read timeout.
template <class D>
wl::Listener<D> listen_local(const Local<D>& here) {
    auto listener = wl::RawSocket<D, wl::Stream>::create().bind(here.addr).listen(16);
    listener.set_read_timeout(wlt::kTimeout);
    return listener;
}

// A connected pair over a listener: {client, server}.
template <class D>
std::pair<wl::ConnectedStream<D>, wl::ConnectedStream<D>> connected_pair(const wl::Listener<D>& listener) {
    auto client = wl::RawSocket<D, wl::Stream>::create().connect(listener.local_addr());
    auto server = listener.accept();
    client.set_read_timeout(wlt::kTimeout);
    server.set_read_timeout(wlt::kTimeout);
    return {std::move(client), std::move(server)};
}

#endif
