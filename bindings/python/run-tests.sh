#!/usr/bin/env bash
# Every Python test of the Wirelane binding, in one command (make test calls it):
#
#   1. a venv in bindings/python/.venv   (pytest, mypy, build, setuptools-rust
#                                        installed if missing)
#   2. pip install bindings/python       (non-editable; setuptools-rust builds
#                                        the release library with cargo, in
#                                        cargo's target dir, and bundles it)
#   3. pytest tests/                    from the installed package: runtime tests,
#                                       mypy --strict of the package, the typing
#                                       negative/positive proofs, the examples
#
# Exits non-zero on any failure; a skipped test counts as a failure.
# PYTHON picks the interpreter (default python3); CARGO the cargo binary.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
CARGO="${CARGO:-cargo}"
VENV="$HERE/.venv"

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import pytest, mypy, wheel, setuptools, setuptools_rust, build, uvloop" 2>/dev/null; then
    echo "== installing pytest, mypy, wheel, setuptools-rust, build, uvloop into the venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        pytest mypy wheel setuptools setuptools-rust build uvloop
fi

echo "== pip install bindings/python (a release build of libwirelane.so, by rule)"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if ! env -u WIRELANE_LIB CARGO="$CARGO" "$VENV/bin/python" -m pip install --disable-pip-version-check \
    --no-build-isolation --no-deps --force-reinstall -v "$HERE" >"$LOG" 2>&1; then
    tail -60 "$LOG" >&2
    echo "error: pip install bindings/python failed" >&2
    exit 1
fi
grep -E "wirelane: bundling" "$LOG" | sed 's/^ *//' || { echo "error: the build did not say what it bundled" >&2; exit 1; }

# The release build setuptools-rust just made, in cargo's target directory
# (scripts/target-dir.sh): test_bundled_library.py checks it is what was bundled.
LIB="$(CARGO="$CARGO" "$ROOT/scripts/target-dir.sh")/release/libwirelane.so"
[ -f "$LIB" ] || { echo "error: $LIB was not built" >&2; exit 1; }

echo "== pytest (installed package)"
cd "$HERE"
env -u WIRELANE_LIB WIRELANE_EXPECT_INSTALLED=1 WIRELANE_EXPECT_BUNDLED="$LIB" \
    "$VENV/bin/python" -I -m pytest tests "$@"
