#!/usr/bin/env bash
# Fuzz smoke run: replays every committed regression input, then fuzzes
# every target in fuzz/ for a bounded time. Fails on any crash, panic,
# leak assertion or timeout. Works on a fresh machine with a stable Rust
# toolchain: installs cargo-fuzz when missing and enables the nightly
# features cargo-fuzz needs with RUSTC_BOOTSTRAP=1.
#
#   scripts/fuzz-smoke.sh                  # every target, 20 s each
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh # the longer run (SECURITY.md)
#   scripts/fuzz-smoke.sh cmsg_parse       # some targets only
#
# A crash leaves its input in fuzz/artifacts/<target>/; fix the bug, then
# copy the input to fuzz/regressions/<target>/<name> so every later run
# replays it.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-20}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz-smoke: installing cargo-fuzz (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi
[ "${#targets[@]}" -gt 0 ] || { echo "fuzz-smoke: no fuzz targets found" >&2; exit 1; }

for t in "${targets[@]}"; do cargo fuzz build "$t"; done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
total=0
for t in "${targets[@]}"; do
  # 1. Every committed regression input must pass.
  if [ -d "fuzz/regressions/$t" ] && [ -n "$(ls -A "fuzz/regressions/$t")" ]; then
    echo "fuzz-smoke: $t: replaying $(ls "fuzz/regressions/$t" | wc -l) regression input(s)"
    cargo fuzz run "$t" "fuzz/regressions/$t"/* -- -runs=1 >"$work/$t.replay.log" 2>&1 || {
      cat "$work/$t.replay.log" >&2
      echo "fuzz-smoke: $t: a regression input fails again" >&2
      exit 1
    }
  fi
  # 2. Fuzz for a bounded time from the committed seeds (if any), with a
  #    fresh corpus so nothing is written into the repository.
  mkdir -p "$work/corpus-$t"
  seeds=()
  [ -d "fuzz/seeds/$t" ] && seeds=("fuzz/seeds/$t")
  if ! cargo fuzz run "$t" "$work/corpus-$t" "${seeds[@]}" -- \
      -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$work/$t.log" 2>&1; then
    tail -n 60 "$work/$t.log" >&2
    echo "fuzz-smoke: $t: CRASH (input saved under fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -n 1)"
  echo "fuzz-smoke: $t: ${runs:-?} executions in ${seconds} s, no crash"
  total=$((total + ${runs:-0}))
done
echo "fuzz-smoke: all ${#targets[@]} targets passed, $total executions in total"
