#!/usr/bin/env bash
# Every Python test of the Wirelane binding, in one command (make test calls it):
#
#   1. cargo build --release -p wirelane-ffi -> <target>/release/libwirelane.so
#                                       (<target>: scripts/target-dir.sh)
#   2. a venv in bindings/python/.venv   (pytest, mypy, wheel installed if missing)
#   3. pip install bindings/python       (non-editable; bundles the release
#                                       library by setup.py's rule, printed)
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

echo "== cargo build --release (libwirelane.so)"
(cd "$ROOT" && "$CARGO" build --quiet --release -p wirelane-ffi)
LIB="$(CARGO="$CARGO" "$ROOT/scripts/target-dir.sh")/release/libwirelane.so"
[ -f "$LIB" ] || { echo "error: $LIB was not built" >&2; exit 1; }

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import pytest, mypy, wheel, setuptools, uvloop" 2>/dev/null; then
    echo "== installing pytest, mypy, wheel into the venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pytest mypy wheel setuptools uvloop
fi

echo "== pip install bindings/python (setup.py's rule: the release build)"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
if ! env -u WIRELANE_LIB "$VENV/bin/python" -m pip install --verbose --disable-pip-version-check \
    --no-build-isolation --no-deps --force-reinstall "$HERE" >"$LOG" 2>&1; then
    tail -n 40 "$LOG" >&2
    echo "error: pip install bindings/python failed" >&2
    exit 1
fi
grep -m1 "wirelane: bundling" "$LOG" | sed 's/^ *//' || { echo "error: the build did not say what it bundled" >&2; exit 1; }

echo "== pytest (installed package)"
cd "$HERE"
env -u WIRELANE_LIB WIRELANE_EXPECT_INSTALLED=1 WIRELANE_EXPECT_BUNDLED="$LIB" \
    "$VENV/bin/python" -I -m pytest tests "$@"
