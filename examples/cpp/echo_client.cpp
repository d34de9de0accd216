// Sends its arguments to an echo server and prints what comes back.
//
//   echo_client ADDR MESSAGE...
//
// ADDR as for echo_server. Connects, sends the message, shuts down its
// write side, reads until the server closes, prints the reply. A 5-second
// read timeout turns a silent server into an error instead of a hang.
#include <wirelane.hpp>

#include <chrono>
#include <iostream>
#include <string>

namespace {

template <class D>
int run(const typename D::Addr& addr, const std::string& message) {
    const auto conn = wl::RawSocket<D, wl::Stream>::create().connect(addr);
    conn.set_read_timeout(std::chrono::seconds(5));
    conn.send_all(message, std::chrono::seconds(5));
    conn.shutdown(wl::Shutdown::Write);
    std::string reply;
    char buf[4096];
    while (const std::size_t n = conn.recv(buf, sizeof buf)) reply.append(buf, n);
    std::cout << reply << std::endl;
    return reply == message ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: echo_client ADDR MESSAGE...\n";
        return 64;
    }
    const std::string text = argv[1];
    std::string message = argv[2];
    for (int i = 3; i < argc; ++i) message += std::string(" ") + argv[i];
    try {
        if (auto v4 = wl::SocketAddrV4::try_parse(text)) return run<wl::Ipv4>(*v4, message);
        if (auto v6 = wl::SocketAddrV6::try_parse(text)) return run<wl::Ipv6>(*v6, message);
        return run<wl::Unix>(text[0] == '@' ? wl::UnixAddr::parse(text) : wl::UnixAddr::from_path(text), message);
    } catch (const std::system_error& e) {
        std::cerr << "echo_client: " << e.what() << "\n";
        return 1;
    }
}
