#!/bin/sh
# Prints Cargo's target directory for this workspace, as cargo itself
# resolves it (CARGO_TARGET_DIR, build.target-dir in .cargo/config.toml,
# or <workspace>/target), so every script and Makefile finds the libraries
# where cargo put them:
#
#   scripts/target-dir.sh            # e.g. /home/me/wirelane/target
#   LIBDIR="$(scripts/target-dir.sh)/release"
#
# A one-off `cargo build --target-dir DIR` is not recorded anywhere cargo
# can report; pass the same DIR through CARGO_TARGET_DIR instead.
set -eu
root="$(cd -P "$(dirname "$0")/.." && pwd)"
meta="$(cd "$root" && "${CARGO:-cargo}" metadata --format-version 1 --no-deps)"
dir="$(printf '%s' "$meta" | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
if [ -z "$dir" ]; then
    echo "target-dir.sh: cargo metadata reported no target_directory" >&2
    exit 1
fi
printf '%s\n' "$dir"
