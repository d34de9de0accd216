#!/usr/bin/env bash
# Runs the C++ checks the Makefile built and prints the tally as the last
# line, "N passed, M failed". Called by `make test` (which sets BUILD,
# RESULTS, ROOT and VARIANTS); exits non-zero when anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${ROOT:=$(cd "$here/../.." && pwd)}"
: "${BUILD:=$("$ROOT/scripts/target-dir.sh")/cpp/tests}"
: "${RESULTS:=$BUILD/results}"
: "${VARIANTS:=cxx17 cxx20 cxx23 asan asio asio23 asio_asan}"
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# 1. The test program, once per build variant. Each prints its own
#    "... N passed, M failed" line; its cases count individually.
for v in $VARIANTS; do
  bin="$BUILD/$v/wl_tests"
  if [ ! -x "$bin" ]; then
    fail "$v: $bin was not built"
    continue
  fi
  log="$BUILD/$v/run.log"
  # ASan: leaks are errors too; UBSan stops at the first finding.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    timeout 300 "$bin" >"$log" 2>&1
  rc=$?
  summary=$(grep -E '^wirelane C\+\+ .*: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1/' <<<"$summary")
  f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$summary")
  grep '^FAIL' "$log" | sed "s/^FAIL /FAIL $v: /"
  # No summary (crash, sanitizer abort, timeout) or a failing exit status
  # with no failed case to account for it (a leak found at exit): show why.
  if [ -z "$summary" ] || { [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
    tail -n 30 "$log"
    fail "$v: test program exited with status $rc"
  fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  echo "$v: ${p:-0} passed, ${f:-0} failed"
done

# 2. Compile-fail cases (results written by the Makefile, in parallel).
shopt -s nullglob
cases=("$here"/compile_fail/*.cpp)
results=("$RESULTS"/compile_fail/*.result)
if [ "${#results[@]}" -ne "${#cases[@]}" ]; then
  fail "compile_fail: ${#cases[@]} cases but ${#results[@]} results (run through 'make test')"
fi
for r in "${results[@]}"; do
  line=$(cat "$r")
  case $line in
    PASS*) pass ;;
    *) fail "${line#FAIL }" ;;
  esac
done
echo "compile_fail: ${#results[@]} cases checked"

# 3. clang-tidy bugprone-use-after-move.
while IFS= read -r line; do
  case $line in
    PASS*) pass; echo "$line" ;;
    *) fail "${line#FAIL }" ;;
  esac
done < <("$here/tidy/check.sh")

# 4. The examples: echo_server serves, echo_client checks the echo.
example() {  # example NAME SERVER_ADDR
  local name=$1 addr=$2 out="$BUILD/examples/$1.out" srv listening
  rm -f "$out"
  timeout 30 "$BUILD/examples/echo_server" "$addr" 2 >"$out" 2>&1 &
  srv=$!
  for _ in $(seq 100); do
    listening=$(sed -n 's/^listening on //p' "$out" 2>/dev/null)
    [ -n "$listening" ] && break
    sleep 0.05
  done
  if [ -z "$listening" ]; then
    kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
    fail "example/$name: echo_server did not start: $(cat "$out")"
    return
  fi
  local ok=1
  [ "$(timeout 10 "$BUILD/examples/echo_client" "$listening" hello wirelane)" = "hello wirelane" ] || ok=0
  [ "$(timeout 10 "$BUILD/examples/echo_client" "$listening" second client)" = "second client" ] || ok=0
  # Two connections served: the server exits by itself.
  wait "$srv"
  local rc=$?
  if [ "$ok" -eq 1 ] && [ "$rc" -eq 0 ]; then
    pass; echo "PASS example/$name ($listening)"
  else
    fail "example/$name: echo mismatch or server exit status $rc: $(cat "$out")"
  fi
}
example tcp4 127.0.0.1:0
example tcp6 '[::1]:0'
example unix "${TMPDIR:-/tmp}/wl-cpp-echo-$$.sock"
if [ -e "${TMPDIR:-/tmp}/wl-cpp-echo-$$.sock" ]; then
  fail "example/unix: echo_server left its socket file behind"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
