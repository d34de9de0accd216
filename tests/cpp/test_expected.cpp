// wl::Result / wl::expected: the same code works on std::expected (C++23)
// and on the header's fallback (C++17/20).
#include "harness.hpp"

namespace {

wl::Result<int> half(int x) {
    if (x % 2 != 0) return wl::unexpected(std::make_error_code(std::errc::invalid_argument));
    return x / 2;
}

wl::Result<void> check_positive(int x) {
    if (x <= 0) return wl::unexpected(std::make_error_code(std::errc::result_out_of_range));
    return {};
}

}  // namespace

WLT_TEST(expected_value_and_error) {
    auto ok = half(8);
    CHECK(ok.has_value());
    CHECK(static_cast<bool>(ok));
    CHECK_EQ(*ok, 4);
    CHECK_EQ(ok.value(), 4);
    CHECK_EQ(ok.value_or(-1), 4);
    auto bad = half(3);
    CHECK(!bad);
    CHECK(bad.error() == std::errc::invalid_argument);
    CHECK_EQ(bad.value_or(-1), -1);
    bool thrown = false;
    try {
        (void)bad.value();
    } catch (const wl::bad_expected_access<std::error_code>& e) {
        thrown = true;
        CHECK(e.error() == std::errc::invalid_argument);
    }
    CHECK(thrown);
}

WLT_TEST(expected_void_and_move_only_values) {
    CHECK(check_positive(1).has_value());
    auto r = check_positive(0);
    CHECK(!r);
    CHECK(r.error() == std::errc::result_out_of_range);

    // A move-only value (a socket) moves in and out.
    auto s = wl::Tcp4Socket::try_create();
    CHECK(s.has_value());
    const int fd = s->fd();
    wl::Tcp4Socket owned = std::move(s).value();
    CHECK_EQ(owned.fd(), fd);
    auto t = wl::Udp4Socket::try_create();
    wl::Udp4Socket other = *std::move(t);
    CHECK(other.fd() >= 0);
}
