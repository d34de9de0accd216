#!/usr/bin/env bash
# Checks one compile-fail case and prints one line: "PASS <case>" or
# "FAIL <case>: <why>". The case's first line is "// expect: REGEX".
#   1. control: the file as is must compile (so the failure below comes
#      from the marked line, not from an unrelated mistake);
#   2. with -DWL_COMPILE_FAIL it must NOT compile, and the compiler's
#      output must match REGEX (the reason the case is about).
# Uses $CXX, $INC and $WARN from the Makefile; -std=c++17, the minimum,
# unless the second line is "// std: c++20" (the wl::asio cases).
set -u
file=$1
name=$(basename "$file" .cpp)
expect=$(sed -n '1s#^// expect: ##p' "$file")
std=$(sed -n '2s#^// std: ##p' "$file")
std=${std:-c++17}
if [ -z "$expect" ]; then
  echo "FAIL compile_fail/$name: first line must be '// expect: REGEX'"
  exit 0
fi
cxx=${CXX:-g++}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# shellcheck disable=SC2086
if ! $cxx -std="$std" $WARN $INC -fsyntax-only "$file" >"$log" 2>&1; then
  echo "FAIL compile_fail/$name: control (without WL_COMPILE_FAIL) does not compile: $(grep -m1 error "$log")"
  exit 0
fi
# shellcheck disable=SC2086
if $cxx -std="$std" $WARN $INC -fsyntax-only -DWL_COMPILE_FAIL "$file" >"$log" 2>&1; then
  echo "FAIL compile_fail/$name: compiled, but must not"
elif grep -Eq -- "$expect" "$log"; then
  echo "PASS compile_fail/$name"
else
  echo "FAIL compile_fail/$name: failed for another reason than /$expect/: $(grep -m1 error "$log")"
fi
