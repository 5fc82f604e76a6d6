#!/usr/bin/env bash
# Builds the consumer programs against the installed prefix with plain compiler commands and
# pkg-config (agenthost.pc: static, so --static; agenthost_c.pc: shared), and runs them.
# Environment: as consume_cmake.sh, plus AGENTHOST_PKG_LIBDIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$AGENTHOST_PKG_WORK/consume-pkgconfig
prefix=$AGENTHOST_PKG_PREFIX
libdir=$prefix/$AGENTHOST_PKG_LIBDIR
version=$AGENTHOST_PKG_VERSION
rm -rf "$work" && mkdir -p "$work"

fail() { echo "pkg-config consumer: FAILED: $*" >&2; exit 1; }

export PKG_CONFIG_PATH="$libdir/pkgconfig"
for pc in agenthost agenthost_c; do
  [ "$(pkg-config --variable=prefix "$pc")" = "$prefix" ] || fail "$pc.pc is not the installed one"
  [ "$(pkg-config --modversion "$pc")" = "$version" ] || fail "$pc.pc: version is not $version"
done

# shellcheck disable=SC2086,SC2046  # flags and pkg-config output are word lists
"$AGENTHOST_PKG_CXX" -std=c++17 -Wall -Wextra -Wpedantic -Werror $AGENTHOST_PKG_CXXFLAGS \
  "$here/consumer/consumer.cpp" -o "$work/consumer_cpp" \
  $(pkg-config --cflags agenthost) $AGENTHOST_PKG_LDFLAGS $(pkg-config --static --libs agenthost)
# shellcheck disable=SC2086,SC2046
"$AGENTHOST_PKG_CC" -std=c99 -Wall -Wextra -Wpedantic -Werror $AGENTHOST_PKG_CFLAGS \
  "$here/consumer/consumer.c" -o "$work/consumer_c" \
  $(pkg-config --cflags agenthost_c) $AGENTHOST_PKG_LDFLAGS $(pkg-config --libs agenthost_c) \
  -Wl,-rpath,"$libdir"
# (grep reads all of ldd's output: with -q, ldd could die of SIGPIPE and fail the pipeline.)
ldd "$work/consumer_c" | grep -F "$libdir/libagenthost_c.so.${version%%.*}" >/dev/null ||
  fail "consumer_c does not load $libdir/libagenthost_c.so.${version%%.*}"
"$work/consumer_cpp" "$version"
"$work/consumer_c" "$version"
