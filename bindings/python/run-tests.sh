#!/usr/bin/env bash
# Every Python test of the Wirelane binding, in one command (make test calls it):
#
#   1. cargo build                      -> target/debug/libwirelane.so
#   2. a venv in bindings/python/.venv   (pytest, mypy, wheel installed if missing)
#   3. pip install bindings/python       (non-editable; bundles the library)
#   4. pytest tests/                    from the installed package: runtime tests,
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

echo "== cargo build (libwirelane.so)"
(cd "$ROOT" && "$CARGO" build --quiet)
LIB="$ROOT/target/debug/libwirelane.so"
[ -f "$LIB" ] || { echo "error: $LIB was not built" >&2; exit 1; }

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import pytest, mypy, wheel, setuptools, uvloop" 2>/dev/null; then
    echo "== installing pytest, mypy, wheel into the venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pytest mypy wheel setuptools uvloop
fi

echo "== pip install bindings/python (bundling $LIB)"
WIRELANE_LIB="$LIB" "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-build-isolation --no-deps --force-reinstall "$HERE"

echo "== pytest (installed package)"
cd "$HERE"
env -u WIRELANE_LIB WIRELANE_EXPECT_INSTALLED=1 "$VENV/bin/python" -I -m pytest tests "$@"
