// A TCP / Unix-stream echo server on wirelane.hpp: one thread per client.
//
//   echo_server [ADDR] [MAX_CONNECTIONS]
//
// ADDR is "127.0.0.1:7878" (the default), "[::1]:7878", a Unix socket path
// ("/tmp/echo.sock", "./echo.sock") or an abstract name ("@echo"). The
// address text picks the domain at run time; from there on the domain is a
// template parameter, so every socket state is checked by the compiler.
// MAX_CONNECTIONS > 0 makes the server exit after serving that many
// clients (0, the default, serves forever). It prints "listening on ADDR"
// once it accepts, with the real port when ADDR asked for port 0.
#include <wirelane.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

// Echoes until the client closes its side, then closes ours.
template <class D>
void echo(const wl::ConnectedStream<D>& conn, const std::string& peer) {
    try {
        char buf[16 * 1024];
        for (;;) {
            auto got = conn.try_recv(buf, sizeof buf);
            if (!got) {
                if (got.error() == std::errc::interrupted) continue;
                throw std::system_error(got.error(), "recv");
            }
            if (*got == 0) break;  // end of stream
            conn.send_all(buf, *got);  // loops over short sends and EINTR itself
        }
    } catch (const std::system_error& e) {
        std::cerr << "echo_server: " << peer << ": " << e.what() << "\n";
    }
}

template <class D>
int serve(const typename D::Addr& addr, long max_connections) {
    // RawSocket<D, Stream> -> BoundSocket<D, Stream> -> Listener<D>.
    const wl::Listener<D> listener = wl::RawSocket<D, wl::Stream>::create().bind(addr).listen(128);
    std::cout << "listening on " << listener.local_addr().to_string() << std::endl;

    std::vector<std::thread> workers;
    for (long served = 0; max_connections == 0 || served < max_connections;) {
        auto accepted = listener.try_accept_with_addr();
        if (!accepted) {
            if (accepted.error() == std::errc::interrupted) continue;
            std::cerr << "echo_server: accept: " << accepted.error().message() << "\n";
            continue;  // EMFILE and friends: keep serving the others
        }
        ++served;
        wl::ConnectedStream<D> conn = std::move(accepted->first);
        std::string peer = accepted->second.to_string();
        workers.emplace_back([conn = std::move(conn), peer = std::move(peer)] { echo(conn, peer); });
    }
    for (auto& w : workers) w.join();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string text = argc > 1 ? argv[1] : "127.0.0.1:7878";
    const long max_connections = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 0;
    try {
        if (auto v4 = wl::SocketAddrV4::try_parse(text)) return serve<wl::Ipv4>(*v4, max_connections);
        if (auto v6 = wl::SocketAddrV6::try_parse(text)) return serve<wl::Ipv6>(*v6, max_connections);
        const auto path = text[0] == '@' ? wl::UnixAddr::parse(text) : wl::UnixAddr::from_path(text);
        struct Remove {  // a Unix socket file outlives its socket: remove it on the way out
            std::optional<std::string> path;
            ~Remove() {
                if (path) ::unlink(path->c_str());
            }
        } remove{path.as_pathname()};
        return serve<wl::Unix>(path, max_connections);
    } catch (const std::system_error& e) {
        std::cerr << "echo_server: " << e.what() << "\n";
        return 1;
    }
}
