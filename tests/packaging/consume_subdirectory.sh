#!/usr/bin/env bash
# Builds the consumer project with add_subdirectory(<agenthost source>) and runs it. This is the
# one packaging test that compiles agenthost again (the host sets no build type, so unoptimised,
# which keeps it short); its build directory is kept, so a second run only rebuilds what changed.
# Checks that agenthost leaves the host's cache alone (no CMAKE_BUILD_TYPE written), registers no
# tests, and installs nothing of its own unless the host turns AGENTHOST_INSTALL on.
# Environment: AGENTHOST_PKG_SOURCE_DIR, AGENTHOST_PKG_WORK, AGENTHOST_PKG_VERSION and the
# toolchain variables of consume_cmake.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/packaging/toolchain.sh
source "$here/toolchain.sh"
work=$AGENTHOST_PKG_WORK/consume-subdirectory
mkdir -p "$work"
cmake -S "$here/consumer" -B "$work" "${agenthost_toolchain_args[@]}" \
  -DAGENTHOST_CONSUMER_MODE=subdirectory \
  -DAGENTHOST_SOURCE_DIR="$AGENTHOST_PKG_SOURCE_DIR" \
  -DAGENTHOST_EXPECTED_VERSION="$AGENTHOST_PKG_VERSION" -UAGENTHOST_INSTALL \
  >"$work.configure.log" 2>&1 ||
  { cat "$work.configure.log" >&2; exit 1; }

fail() { echo "add_subdirectory consumer: FAILED: $*" >&2; exit 1; }

# The host set no build type, and agenthost wrote none into the host's cache.
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$work/CMakeCache.txt")
[ -z "$build_type" ] || fail "the host's cache says CMAKE_BUILD_TYPE=$build_type"

# Only the consumer's own two tests exist: agenthost registered none of its own.
tests=$(ctest --test-dir "$work" -N | sed -n 's/^Total Tests: //p')
[ "$tests" = 2 ] || { echo "expected the consumer's 2 tests, ctest lists $tests" >&2; exit 1; }
[ ! -e "$work/agenthost/tests" ] || { echo "agenthost configured its tests/" >&2; exit 1; }
[ ! -e "$work/agenthost/examples" ] || { echo "agenthost configured its examples/" >&2; exit 1; }

cmake --build "$work" --parallel 2 --target consumer_cpp consumer_c
"$work/consumer_cpp" "$AGENTHOST_PKG_VERSION"
"$work/consumer_c" "$AGENTHOST_PKG_VERSION"

# Install: the host's programs only, unless the host asks for agenthost's install rules too.
rm -rf "$work/inst"
cmake --install "$work" --prefix "$work/inst" >/dev/null
[ -x "$work/inst/bin/consumer_c" ] || fail "the host's own install rules did not run"
if find "$work/inst" -name '*agenthost*' | grep . >&2; then
  fail "with AGENTHOST_INSTALL off by default, the host's install put agenthost files (above)"
fi
cmake -S "$here/consumer" -B "$work" -DAGENTHOST_INSTALL=ON >"$work.configure.log" 2>&1 ||
  { cat "$work.configure.log" >&2; exit 1; }
rm -rf "$work/inst"
cmake --install "$work" --prefix "$work/inst" >/dev/null
for f in include/agenthost.h include/agenthost/metrics.hpp; do
  [ -f "$work/inst/$f" ] || fail "with AGENTHOST_INSTALL=ON, $f is not installed"
done
find "$work/inst" -name 'libagenthost_c.so*' | grep . >/dev/null ||
  fail "with AGENTHOST_INSTALL=ON, libagenthost_c is not installed"
find "$work/inst" -name 'agenthostConfig.cmake' | grep . >/dev/null ||
  fail "with AGENTHOST_INSTALL=ON, the CMake package is not installed"
# Leave the build directory as a later run expects it.
cmake -S "$here/consumer" -B "$work" -UAGENTHOST_INSTALL >/dev/null
echo "add_subdirectory consumer: ok (no build type written, no tests, install rules only on request)"
