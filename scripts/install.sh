#!/usr/bin/env bash
# Installs the Wirelane C library: shared and static libraries, the header
# and a pkg-config file (the equivalent of `cargo cinstall`).
#
#   scripts/install.sh [--libdir DIR] [--no-build] PREFIX
#
# By default it runs `cargo build --release -p wirelane-ffi` and installs from
# target/release. --libdir DIR installs the libwirelane.{so,a} found in DIR
# instead (no build). Result:
#   PREFIX/lib/libwirelane.so, PREFIX/lib/libwirelane.a,
#   PREFIX/include/wirelane.h, PREFIX/lib/pkgconfig/wirelane.pc
# Then: PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs wirelane
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
libdir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --libdir) libdir="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        --) shift; break ;;
        -*) echo "install.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ $# -ne 1 ]; then
    echo "usage: scripts/install.sh [--libdir DIR] PREFIX" >&2
    exit 2
fi
prefix="$1"
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac

if [ -z "$libdir" ]; then
    (cd "$root" && cargo build --release -p wirelane-ffi)
    libdir="${CARGO_TARGET_DIR:-$root/target}/release"
fi
for f in libwirelane.so libwirelane.a; do
    if [ ! -f "$libdir/$f" ]; then
        echo "install.sh: $libdir/$f not found (build the library first)" >&2
        exit 1
    fi
done

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
# What `rustc --print native-static-libs` reports for this crate on Linux.
libs_private="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 "$libdir/libwirelane.so" "$prefix/lib/libwirelane.so"
install -m 0644 "$libdir/libwirelane.a" "$prefix/lib/libwirelane.a"
install -m 0644 "$root/include/wirelane.h" "$prefix/include/wirelane.h"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@LIBS_PRIVATE@|$libs_private|g" \
    "$root/wirelane.pc.in" > "$prefix/lib/pkgconfig/wirelane.pc"
echo "installed wirelane $version into $prefix"
