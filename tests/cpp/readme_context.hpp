// The names the fragments of tests/cpp/README.md use without declaring
// them. tests/readme_blocks.py compiles each such fragment as the body of
// main() after including this file (see its `context` marker item).
#pragma once

#include <wirelane.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

inline const wl::SocketAddrV4 peer = wl::SocketAddrV4::localhost(9);
inline const wl::SocketAddrV4 addr = wl::SocketAddrV4::localhost(0);
inline const wl::SocketAddrV4 addr1 = wl::SocketAddrV4::localhost(9);
inline const wl::SocketAddrV4 addr2 = wl::SocketAddrV4::localhost(9);
inline const int file_fd = -1;
