#!/usr/bin/env bash
# Installs the system tools the test suite needs, if they are missing.
# Used by `make test`; a test never skips for want of a tool: either this
# script installs it, or it fails here saying how to get it.
set -euo pipefail

# tool-on-PATH  debian-package
needed=(
  "strace strace"           # counts syscalls (sendmmsg = 1 syscall, epoll_ctl ADDs)
  "curl curl"               # drives examples/hyper_server (HTTP/1.1 and HTTP/2)
  "pkg-config pkg-config"   # links a C program through wirelane.pc
  "readelf binutils"        # the library's SONAME and programs' NEEDED (install.sh, tests/c_abi/soname.rs)
  "valgrind valgrind"       # C tests under valgrind
  "cc gcc"                  # C tests and examples
  "g++ g++"                 # C++ tests, the header's C++ compatibility check
  "python3 python3"         # Python binding tests (the runner makes its own venv)
  "make make"
  "unshare util-linux"      # user + network namespaces for ICMP, raw and MPTCP tests (scripts/in-netns.sh), connect-by-name blackholes
  "ip iproute2"             # loopback and blackhole routes inside those namespaces
  "openssl openssl"         # self-signed certificates for the Python start_tls tests
  "systemd-socket-activate systemd"  # socket activation tests (tests/activation_child.rs)
  "nft nftables"            # REDIRECT and TPROXY rules inside test namespaces (SO_ORIGINAL_DST, IP_TRANSPARENT)
)

# header-under-/usr/include  debian-package (libraries found by their header)
headers=(
  "asio.hpp libasio-dev"    # standalone asio: the wl::asio C++ tests (include/wirelane_asio.hpp)
  "uv.h libuv1-dev"         # libuv: examples/c/libuv_echo.c (uv_poll on Wirelane handles)
)

missing=()
for entry in "${needed[@]}"; do
  read -r tool pkg <<<"$entry"
  command -v "$tool" >/dev/null 2>&1 || missing+=("$pkg")
done
for entry in "${headers[@]}"; do
  read -r header pkg <<<"$entry"
  [ -e "/usr/include/$header" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "ensure-tools: installing missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-tools: cannot install as non-root or without apt-get." >&2
  echo "ensure-tools: install these Debian packages and re-run: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
