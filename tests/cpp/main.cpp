// Runs every registered C++ test case; a case fails on a CHECK, on any
// exception, or when it leaves more descriptors open than it found.
#include "harness.hpp"

#include <dirent.h>
#include <signal.h>

#include <cstring>
#include <exception>
#include <iostream>

#ifndef WLT_STD
#define WLT_STD "c++"
#endif

namespace {

int open_fds() {
    int n = 0;
    DIR* d = ::opendir("/proc/self/fd");
    if (d == nullptr) return -1;
    while (const dirent* e = ::readdir(d)) {
        if (e->d_name[0] != '.') ++n;
    }
    ::closedir(d);
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    // A hung test fails the run instead of blocking CI forever.
    ::alarm(120);
    const char* only = argc > 1 ? argv[1] : nullptr;
    int passed = 0;
    int failed = 0;
    for (const auto& c : wlt::registry()) {
        if (only != nullptr && std::strstr(c.name, only) == nullptr) continue;
        const int before = open_fds();
        std::string error;
        try {
            c.fn();
        } catch (const std::exception& e) {
            error = e.what();
        } catch (...) {
            error = "unknown exception";
        }
        const int after = open_fds();
        if (error.empty() && after != before)
            error = "descriptor leak: " + std::to_string(before) + " open before, " + std::to_string(after) + " after";
        if (error.empty()) {
            ++passed;
            std::cout << "ok   " << c.name << "\n";
        } else {
            ++failed;
            std::cout << "FAIL " << c.name << ": " << error << "\n";
        }
    }
    std::cout << "wirelane C++ (" << WLT_STD << "): " << passed << " passed, " << failed << " failed" << std::endl;
    return failed == 0 && passed > 0 ? 0 : 1;
}
