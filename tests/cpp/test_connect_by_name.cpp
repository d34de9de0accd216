// Connect by name: the blocking wl::connect_by_name (InetStream keeps the
// typestate), datagrams, every failure reported, and the event-loop form
// wl::Connector driven with poll(2).
#include <poll.h>

#include "domains.hpp"

WLT_TEST(connect_by_name_both_families) {
    Local<wl::Ipv4> here4;
    auto l4 = listen_local(here4);
    auto conn = wl::connect_by_name("localhost", l4.local_addr().port());
    auto& v4 = std::get<wl::ConnectedStream<wl::Ipv4>>(conn);
    auto server = l4.accept();
    CHECK(server.peer_addr() == v4.local_addr());
    CHECK_EQ(v4.send("n"), 1u);
    char c = 0;
    CHECK_EQ(server.recv(&c, 1), 1u);
    CHECK_EQ(c, 'n');

    Local<wl::Ipv6> here6;
    auto l6 = listen_local(here6);
    wl::ConnectOptions options;
    options.attempt_delay = std::chrono::milliseconds(100);
    options.timeout = std::chrono::seconds(5);
    options.fast_open_data = "tfo";
    auto conn6 = wl::connect_by_name("::1", l6.local_addr().port(), options);
    CHECK(std::holds_alternative<wl::ConnectedStream<wl::Ipv6>>(conn6));
    auto s6 = l6.accept();
    char buf[3];
    std::size_t got = 0;
    while (got < 3) got += s6.recv(buf + got, 3 - got);
    CHECK(std::memcmp(buf, "tfo", 3) == 0);
}

WLT_TEST(connect_by_name_reports_failures) {
    // A bound, non-listening port refuses connections.
    auto blocker = wl::tcp4().bind(wl::SocketAddrV4::localhost(0));
    const auto port = blocker.local_addr().port();
    CHECK_THROWS_ERRC(wl::connect_by_name("127.0.0.1", port), std::errc::connection_refused);
    auto r = wl::try_connect_by_name("127.0.0.1", port);
    CHECK(!r.has_value());
    CHECK(r.error() == std::errc::connection_refused);
    CHECK(wl::last_error_message().find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    auto missing = wl::try_connect_by_name("no-such-host.invalid", 80);
    CHECK(!missing.has_value());
    CHECK(missing.error() == std::errc::no_such_file_or_directory);
}

WLT_TEST(connect_by_name_attempt_timeout) {
    // A listener whose accept queue is full drops new SYNs: a connect to
    // it never answers, so only the attempt timeout ends it.
    auto full = wl::tcp6().bind(wl::SocketAddrV6::localhost(0)).listen(0);
    auto queued = wl::tcp6().connect(full.local_addr());
    wl::ConnectOptions options;
    options.attempt_timeout = std::chrono::milliseconds(200);
    const auto start = std::chrono::steady_clock::now();
    auto r = wl::try_connect_by_name("::1", full.local_addr().port(), options);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(!r.has_value());
    CHECK(r.error() == std::errc::timed_out);
    CHECK(took >= std::chrono::milliseconds(200));
    CHECK(took < std::chrono::seconds(2));
}

WLT_TEST(connect_datagram_by_name) {
    auto server = wl::udp4().bind(wl::SocketAddrV4::localhost(0));
    server.set_read_timeout(wlt::kTimeout);
    auto conn = wl::connect_datagram_by_name("127.0.0.1", server.local_addr().port());
    auto& v4 = std::get<wl::ConnectedDatagram<wl::Ipv4>>(conn);
    CHECK_EQ(v4.send("u"), 1u);
    char c = 0;
    auto [n, from] = server.recv_from(&c, 1);
    CHECK_EQ(n, 1u);
    CHECK(from == v4.local_addr());
}

WLT_TEST(connector_event_loop) {
    Local<wl::Ipv4> here;
    auto listener = listen_local(here);
    auto race = wl::Connector::start("localhost", listener.local_addr().port());
    std::optional<wl::InetStream> won;
    for (int steps = 0; !(won = race.step()); steps++) {
        CHECK(steps < 1000);
        std::vector<pollfd> pfds;
        for (int fd : race.fds()) pfds.push_back(pollfd{fd, POLLOUT, 0});
        const auto t = race.timeout();
        CHECK(::poll(pfds.data(), pfds.size(), t ? static_cast<int>(t->count()) : 5000) >= 0);
    }
    auto& v4 = std::get<wl::ConnectedStream<wl::Ipv4>>(*won);
    CHECK(v4.is_nonblocking());
    auto server = listener.accept();
    CHECK(server.peer_addr() == v4.local_addr());
}

WLT_TEST(connector_wait) {
    Local<wl::Ipv6> here;
    auto listener = listen_local(here);
    auto race = wl::Connector::start("::1", listener.local_addr().port());
    auto won = race.wait();
    CHECK(std::holds_alternative<wl::ConnectedStream<wl::Ipv6>>(won));
    auto server = listener.accept();
    CHECK(server.peer_addr() == std::get<wl::ConnectedStream<wl::Ipv6>>(won).local_addr());
}
