#!/usr/bin/env bash
# Installs the Wirelane C library: shared and static libraries, the public
# headers and a pkg-config file (the equivalent of `cargo cinstall`).
#
#   scripts/install.sh [--libdir DIR | --no-build] PREFIX
#
#   (default)     cargo build --release -p wirelane-ffi, then install the
#                 release libraries from cargo's target directory
#                 (scripts/target-dir.sh: CARGO_TARGET_DIR honoured)
#   --no-build    install the release libraries already in cargo's target
#                 directory, without building (fails if they are missing)
#   --libdir DIR  install the libwirelane.{so,a} found in DIR (no build)
#   -h, --help    this text
#
# Result:
#   PREFIX/lib/libwirelane.so.MAJOR.MINOR.PATCH (the library, from the crate
#   version), PREFIX/lib/libwirelane.so.MAJOR -> it (its soname: what
#   programs record as NEEDED and load at run time) and
#   PREFIX/lib/libwirelane.so -> libwirelane.so.MAJOR (for -lwirelane),
#   PREFIX/lib/libwirelane.a,
#   PREFIX/include/wirelane.h, PREFIX/include/wirelane.hpp,
#   PREFIX/include/wirelane_asio.hpp (C++20, needs standalone asio),
#   PREFIX/lib/pkgconfig/wirelane.pc
#
# So that a program linked with `pkg-config --libs wirelane` starts:
#   * PREFIX/lib on the dynamic linker's search path (/usr/local, /usr):
#     runs ldconfig (as root; otherwise says to run it);
#   * any other PREFIX: wirelane.pc's Libs carry -Wl,-rpath,PREFIX/lib.
# `pkg-config --static --libs wirelane` lists what the Rust static library
# needs, without libgcc_s: `cc -static app.c $(pkg-config --static --cflags
# --libs wirelane)` links a fully static program.
set -euo pipefail

root="$(cd -P "$(dirname "$0")/.." && pwd)"
# --help: the comment block above, from its second line to its end.
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
libdir=""
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --libdir)
            [ $# -ge 2 ] || { echo "install.sh: --libdir needs a directory" >&2; exit 2; }
            libdir="$2"; build=0; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ $# -ne 1 ]; then
    echo "usage: scripts/install.sh [--libdir DIR | --no-build] PREFIX (see --help)" >&2
    exit 2
fi
prefix="$1"
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac

if [ -z "$libdir" ]; then
    if [ "$build" -eq 1 ]; then
        (cd "$root" && "${CARGO:-cargo}" build --release -p wirelane-ffi)
    fi
    libdir="$("$root/scripts/target-dir.sh")/release"
fi
for f in libwirelane.so libwirelane.a; do
    if [ ! -f "$libdir/$f" ]; then
        echo "install.sh: $libdir/$f not found (build the library first: cargo build --release -p wirelane-ffi)" >&2
        exit 1
    fi
done

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
major="${version%%.*}"
soname="libwirelane.so.$major"
# The library must carry the soname its version calls for (src/ffi/build.rs
# sets it): a stale or foreign build would be installed under a wrong name.
if command -v readelf >/dev/null; then
    got="$(readelf -d "$libdir/libwirelane.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')"
    if [ "$got" != "$soname" ]; then
        echo "install.sh: $libdir/libwirelane.so has soname '${got:-none}', expected $soname (rebuild: cargo build --release -p wirelane-ffi)" >&2
        exit 1
    fi
else
    echo "install.sh: readelf not found (apt-get install -y binutils); cannot check the soname" >&2
    exit 1
fi
# What `cargo rustc -p wirelane-ffi --crate-type staticlib -- --print
# native-static-libs` reports on Linux (-lgcc_s -lutil -lrt -lpthread -lm
# -ldl -lc), with the unwinder taken from the static libgcc_eh instead of
# the shared libgcc_s, which a static link cannot use.
libs_private="-lgcc_eh -lutil -lrt -lpthread -lm -ldl -lc"

# Is PREFIX/lib one of the directories the dynamic linker searches?
on_search_path() {
    local want dir
    want="$(realpath -m "$1")"
    while IFS= read -r dir; do
        [ "$(realpath -m "$dir")" = "$want" ] && return 0
    done < <( (ldconfig -v -N 2>/dev/null || /sbin/ldconfig -v -N 2>/dev/null) | sed -n 's/^\([^\t][^:]*\):.*/\1/p')
    return 1
}

rpath=""
system=0
if on_search_path "$prefix/lib"; then system=1; else rpath=" -Wl,-rpath,\${libdir}"; fi

install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 "$libdir/libwirelane.so" "$prefix/lib/libwirelane.so.$version"
ln -sfn "libwirelane.so.$version" "$prefix/lib/$soname"
ln -sfn "$soname" "$prefix/lib/libwirelane.so"
install -m 0644 "$libdir/libwirelane.a" "$prefix/lib/libwirelane.a"
for h in "$root"/include/*.h "$root"/include/*.hpp; do
    install -m 0644 "$h" "$prefix/include/$(basename "$h")"
done
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@SONAME@|$soname|g" -e "s|@LIBS_PRIVATE@|$libs_private|g" \
    -e "s|@RPATH@|$rpath|g" "$root/wirelane.pc.in" > "$prefix/lib/pkgconfig/wirelane.pc"
echo "installed wirelane $version into $prefix"
if [ "$system" -eq 1 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        ldconfig
        echo "ran ldconfig: $prefix/lib is on the dynamic linker's search path"
    else
        echo "run 'sudo ldconfig' so programs find $prefix/lib/$soname"
    fi
else
    echo "$prefix/lib is not on the dynamic linker's search path: pkg-config --libs wirelane adds -Wl,-rpath,$prefix/lib"
fi
