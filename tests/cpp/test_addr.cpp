// Addresses: one C++ type per family, parsing, formatting, accessors, and
// the errors for bad input.
#include "harness.hpp"

#include <netinet/in.h>
#include <sys/un.h>

#include <cstddef>

WLT_TEST(addr_v4_build_and_read) {
    wl::SocketAddrV4 a({10, 1, 2, 3}, 8080);
    CHECK_EQ(a.port(), 8080);
    CHECK((a.ip() == std::array<std::uint8_t, 4>{10, 1, 2, 3}));
    CHECK_EQ(a.to_string(), std::string("10.1.2.3:8080"));
    CHECK_EQ(a.sockaddr_len(), static_cast<socklen_t>(sizeof(sockaddr_in)));
    CHECK_EQ(a.sockaddr_ptr()->sa_family, AF_INET);
    CHECK_EQ(a.raw().storage.ss_family, AF_INET);
    a.set_port(9);
    CHECK_EQ(a.to_string(), std::string("10.1.2.3:9"));
    CHECK_EQ(wl::SocketAddrV4::localhost(5).to_string(), std::string("127.0.0.1:5"));
    CHECK_EQ(wl::SocketAddrV4::unspecified().to_string(), std::string("0.0.0.0:0"));
}

WLT_TEST(addr_v4_parse_roundtrip_and_equality) {
    const auto a = wl::SocketAddrV4::parse("192.168.0.1:443");
    CHECK(a == wl::SocketAddrV4({192, 168, 0, 1}, 443));
    CHECK(a != wl::SocketAddrV4({192, 168, 0, 1}, 444));
    CHECK(wl::SocketAddrV4::parse(a.to_string()) == a);
    auto r = wl::SocketAddrV4::try_parse("127.0.0.1:1");
    CHECK(r.has_value());
    CHECK_EQ(r->port(), 1);
}

WLT_TEST(addr_parse_errors_name_the_problem) {
    CHECK_THROWS_ERRC(wl::SocketAddrV4::parse("nonsense"), std::errc::invalid_argument);
    try {
        (void)wl::SocketAddrV4::parse("nonsense");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).find("cannot parse") != std::string::npos);
    }
    // Right syntax, wrong family: the C++ type rejects it.
    CHECK_THROWS_ERRC(wl::SocketAddrV4::parse("[::1]:80"), std::errc::address_family_not_supported);
    CHECK_THROWS_ERRC(wl::SocketAddrV6::parse("127.0.0.1:80"), std::errc::address_family_not_supported);
    CHECK_THROWS_ERRC(wl::UnixAddr::parse("127.0.0.1:80"), std::errc::address_family_not_supported);
    try {
        (void)wl::SocketAddrV4::parse("[::1]:80");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).find("is not an IPv4 address") != std::string::npos);
    }
    const auto r = wl::SocketAddrV6::try_parse("1.2.3.4:5");
    CHECK(!r);
    CHECK(r.error() == std::errc::address_family_not_supported);
    // Text with a NUL byte would be cut short by C: rejected.
    CHECK_THROWS_ERRC(wl::SocketAddrV4::parse(std::string_view("1.2.3.4:5\0junk", 14)), std::errc::invalid_argument);
    CHECK_THROWS_ERRC(wl::SocketAddrV4::parse(std::string(600, '1')), std::errc::filename_too_long);
}

WLT_TEST(addr_v6_build_parse_and_scope) {
    const auto lo = wl::SocketAddrV6::localhost(80);
    CHECK_EQ(lo.to_string(), std::string("[::1]:80"));
    CHECK_EQ(lo.port(), 80);
    CHECK_EQ(lo.ip()[15], 1);
    CHECK_EQ(lo.sockaddr_len(), static_cast<socklen_t>(sizeof(sockaddr_in6)));
    const auto s = wl::SocketAddrV6::parse("[fe80::1%2]:53");
    CHECK_EQ(s.scope_id(), 2u);
    CHECK_EQ(s.port(), 53);
    CHECK_EQ(s.ip()[0], 0xfe);
    const wl::SocketAddrV6 f({}, 7, 0x12345, 3);
    CHECK_EQ(f.flowinfo(), 0x12345u);
    CHECK_EQ(f.scope_id(), 3u);
    auto g = f;
    g.set_port(8);
    CHECK(g != f);
    g.set_port(7);
    CHECK(g == f);
    CHECK(wl::SocketAddrV6::unspecified(1) == wl::SocketAddrV6::parse("[::]:1"));
}

WLT_TEST(addr_unix_path_abstract_and_limits) {
    const auto p = wl::UnixAddr::from_path("/run/app.sock");
    CHECK(p.as_pathname() == std::optional<std::string>("/run/app.sock"));
    CHECK(!p.as_abstract_name());
    CHECK(!p.is_unnamed());
    CHECK_EQ(p.to_string(), std::string("/run/app.sock"));
    CHECK(p == wl::UnixAddr::parse("/run/app.sock"));

    const auto a = wl::UnixAddr::from_abstract_name(std::string_view("x\0y", 3));
    CHECK(a.as_abstract_name() == std::optional<std::string>(std::string("x\0y", 3)));
    CHECK(!a.as_pathname());
    CHECK(wl::UnixAddr::parse("@name").as_abstract_name() == std::optional<std::string>("name"));
    CHECK(wl::UnixAddr::parse("@name") != wl::UnixAddr::from_path("name"));

    // sun_path holds 107 bytes plus the NUL; nothing is truncated.
    CHECK(wl::UnixAddr::try_from_path(std::string(107, 'a')).has_value());
    CHECK_THROWS_ERRC(wl::UnixAddr::from_path(std::string(108, 'a')), std::errc::filename_too_long);
    CHECK_THROWS_ERRC(wl::UnixAddr::from_path(""), std::errc::invalid_argument);
    CHECK_THROWS_ERRC(wl::UnixAddr::from_path(std::string_view("/a\0b", 4)), std::errc::invalid_argument);
    CHECK_THROWS_ERRC(wl::UnixAddr::from_abstract_name(std::string(108, 'n')), std::errc::filename_too_long);
    CHECK(wl::UnixAddr::try_from_abstract_name(std::string(107, 'n')).has_value());
}

WLT_TEST(addr_from_raw_checks_the_family) {
    const wl_addr raw = wl::SocketAddrV6::localhost(1).raw();
    CHECK(wl::SocketAddrV6::from_raw(raw) == wl::SocketAddrV6::localhost(1));
    CHECK_THROWS_ERRC(wl::SocketAddrV4::from_raw(raw), std::errc::address_family_not_supported);
    CHECK(wl::UnixAddr::try_from_raw(raw).error() == std::errc::address_family_not_supported);
    wl_addr garbage{};
    CHECK(!wl::SocketAddrV4::try_from_raw(garbage));
    CHECK(wl::SocketAddrV4::try_from_raw(wl::SocketAddrV4::localhost(3).raw())->port() == 3);
}
