#!/usr/bin/env bash
# clang-tidy's bugprone-use-after-move on the C++ binding. Prints one line
# per check, "PASS ..." or "FAIL ...":
#   * use_after_move.cpp: the flagged lines are exactly the lines ending
#     in "// MISUSE" (and there is at least one);
#   * correct_use.cpp and the examples: nothing is flagged.
# Installs clang-tidy from Debian's packages when missing and running as
# root; otherwise fails saying how to install it. Never skips.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
tidy=${CLANG_TIDY:-clang-tidy}

if ! command -v "$tidy" >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "tidy: installing clang-tidy (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq clang-tidy >/dev/null 2>&1
  fi
  if ! command -v "$tidy" >/dev/null 2>&1; then
    echo "FAIL tidy: clang-tidy is not installed: run 'sudo apt-get install clang-tidy' (or set CLANG_TIDY)"
    exit 0
  fi
fi

# Runs the check on one file; prints the line numbers it flagged in that
# file, or "ERROR <message>" when clang-tidy could not parse it.
flagged() {
  local out
  out=$("$tidy" --quiet --checks='-*,bugprone-use-after-move' "$1" -- -std=c++17 -I"$root/include" 2>&1)
  if grep -q ': error:' <<<"$out"; then
    echo "ERROR $(grep -m1 ': error:' <<<"$out")"
    return
  fi
  grep -E "^$1:[0-9]+:[0-9]+: warning: .*\[bugprone-use-after-move\]" <<<"$out" | cut -d: -f2 | sort -n | uniq | tr '\n' ' '
}

misuse="$here/use_after_move.cpp"
expected=$(grep -nE '// MISUSE$' "$misuse" | cut -d: -f1 | sort -n | tr '\n' ' ')
got=$(flagged "$misuse")
if [ -z "$expected" ]; then
  echo "FAIL tidy/use_after_move: no line is marked '// MISUSE'"
elif [ "$got" = "$expected" ]; then
  echo "PASS tidy/use_after_move: lines $expected flagged by bugprone-use-after-move"
else
  echo "FAIL tidy/use_after_move: expected lines [$expected] flagged, got [$got]"
fi

for f in "$here/correct_use.cpp" "$root/examples/cpp/echo_server.cpp" "$root/examples/cpp/echo_client.cpp"; do
  name=${f#"$root"/}
  got=$(flagged "$f")
  if [ -z "$got" ]; then
    echo "PASS tidy/clean: $name"
  else
    echo "FAIL tidy/clean: $name: $got"
  fi
done
