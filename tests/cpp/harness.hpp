// A tiny test harness for the C++ tests: WLT_TEST registers a case,
// CHECK/CHECK_EQ/CHECK_THROWS_ERRC fail it with a message. main.cpp runs
// every case, checks that none leaked a descriptor, and prints
// "N passed, M failed".
#ifndef WLT_HARNESS_HPP
#define WLT_HARNESS_HPP

#include <wirelane.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace wlt {

struct Case {
    const char* name;
    void (*fn)();
};

inline std::vector<Case>& registry() {
    static std::vector<Case> cases;
    return cases;
}

struct Register {
    Register(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const char* file, int line, const std::string& what) {
    std::ostringstream s;
    s << file << ":" << line << ": " << what;
    throw Failure(s.str());
}

template <class T>
std::string show(const T& v) {
    std::ostringstream s;
    if constexpr (std::is_same_v<T, std::error_code>) {
        s << v.value() << " (" << v.message() << ")";
    } else {
        s << v;
    }
    return s.str();
}

// A unique Unix socket path under the temp dir: pid + counter, so parallel
// test runs never collide.
inline std::string unix_path(const char* tag) {
    static std::atomic<int> counter{0};
    const char* dir = std::getenv("TMPDIR");
    std::ostringstream s;
    s << (dir && *dir ? dir : "/tmp") << "/wl-cpp-" << ::getpid() << "-" << counter++ << "-" << tag << ".sock";
    ::unlink(s.str().c_str());
    return s.str();
}

// Removes a Unix socket file at scope exit.
struct Unlink {
    std::string path;
    ~Unlink() { ::unlink(path.c_str()); }
};

// Every blocking test socket gets this read timeout, so a broken test fails
// with EAGAIN instead of hanging.
inline constexpr std::chrono::milliseconds kTimeout{3000};

}  // namespace wlt

#define WLT_CAT2(a, b) a##b
#define WLT_CAT(a, b) WLT_CAT2(a, b)
#define WLT_TEST(name)                                                            \
    static void name();                                                           \
    static const ::wlt::Register WLT_CAT(wlt_reg_, name)(#name, &name);           \
    static void name()

#define CHECK(...)                                                                  \
    do {                                                                            \
        if (!(__VA_ARGS__)) ::wlt::fail(__FILE__, __LINE__, "CHECK(" #__VA_ARGS__ ")"); \
    } while (0)

#define CHECK_EQ(a, b)                                                                                  \
    do {                                                                                                \
        const auto wlt_a = (a);                                                                         \
        const auto wlt_b = (b);                                                                         \
        if (!(wlt_a == wlt_b))                                                                          \
            ::wlt::fail(__FILE__, __LINE__,                                                             \
                        "CHECK_EQ(" #a ", " #b "): " + ::wlt::show(wlt_a) + " != " + ::wlt::show(wlt_b)); \
    } while (0)

// Asserts that `expr` throws std::system_error with code == `errc`
// (std::errc::...) and returns nothing; the exception is kept in `wlt_last`.
#define CHECK_THROWS_ERRC(expr, errc)                                                                     \
    do {                                                                                                  \
        bool wlt_thrown = false;                                                                          \
        try {                                                                                             \
            (void)(expr);                                                                                 \
        } catch (const std::system_error& wlt_e) {                                                        \
            wlt_thrown = true;                                                                            \
            if (wlt_e.code() != (errc))                                                                   \
                ::wlt::fail(__FILE__, __LINE__,                                                           \
                            "CHECK_THROWS_ERRC(" #expr "): wrong code: " + ::wlt::show(wlt_e.code()) +    \
                                " what=" + wlt_e.what());                                                 \
            if (wlt_e.code().category() != std::generic_category())                                       \
                ::wlt::fail(__FILE__, __LINE__, "CHECK_THROWS_ERRC(" #expr "): not generic_category");    \
        }                                                                                                 \
        if (!wlt_thrown) ::wlt::fail(__FILE__, __LINE__, "CHECK_THROWS_ERRC(" #expr "): did not throw"); \
    } while (0)

#endif
