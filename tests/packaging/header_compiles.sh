#!/usr/bin/env bash
# The public headers compile on their own, warning-free, with every compiler at hand:
# agenthost.h as C99 and as C++17; each include/agenthost/*.hpp as C++17. The C++ headers must not
# include the libraries agenthost hides (pimpl): hosts compile against agenthost alone.
# Usage: header_compiles.sh <source dir> <build dir> <C compiler> <C++ compiler>
# (gcc/g++ and clang/clang++ are tried as well when installed.)
set -euo pipefail
src=$1 build=$2
flags=(-Wall -Wextra -Wpedantic -Werror -fsyntax-only)
includes=(-I"$src/capi/include" -I"$src/include" -I"$build/include")

fail() { echo "header compiles: FAILED: $*" >&2; exit 1; }

c_compilers=("$3") cxx_compilers=("$4")
for c in gcc clang; do command -v "$c" >/dev/null && c_compilers+=("$c"); done
for c in g++ clang++; do command -v "$c" >/dev/null && cxx_compilers+=("$c"); done

checked=0
for cc in $(printf '%s\n' "${c_compilers[@]}" | awk '!seen[$0]++'); do
  echo '#include <agenthost.h>' | "$cc" -std=c99 -Wstrict-prototypes "${flags[@]}" "${includes[@]}" -x c - ||
    fail "agenthost.h as C99 with $cc"
  checked=$((checked + 1))
done
for cxx in $(printf '%s\n' "${cxx_compilers[@]}" | awk '!seen[$0]++'); do
  echo '#include <agenthost.h>' | "$cxx" -std=c++17 "${flags[@]}" "${includes[@]}" -x c++ - ||
    fail "agenthost.h as C++17 with $cxx"
  for h in "$src"/include/agenthost/*.hpp "$build"/include/agenthost/version.hpp; do
    name=agenthost/$(basename "$h")
    echo "#include <$name>" | "$cxx" -std=c++17 "${flags[@]}" "${includes[@]}" -x c++ - ||
      fail "$name alone as C++17 with $cxx"
  done
  checked=$((checked + 1))
done

if grep -nE '#include *[<"](hiredis|curl|simdjson|re2|openssl|fmt)[/.]' \
    "$src"/include/agenthost/*.hpp "$src"/capi/include/agenthost.h; then
  fail "a public header includes a library agenthost hides"
fi
echo "header compiles: ok ($checked compilers)"
