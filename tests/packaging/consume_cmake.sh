#!/usr/bin/env bash
# Builds the consumer project against the installed prefix with find_package(agenthost CONFIG)
# and runs it. Environment: AGENTHOST_PKG_PREFIX, AGENTHOST_PKG_WORK, AGENTHOST_PKG_VERSION and
# the build's toolchain (AGENTHOST_PKG_GENERATOR, _MAKE_PROGRAM, _CC, _CXX, _CFLAGS, _CXXFLAGS,
# _LDFLAGS).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$AGENTHOST_PKG_WORK/consume-cmake
rm -rf "$work"
cmake -S "$here/consumer" -B "$work" -G "$AGENTHOST_PKG_GENERATOR" \
  -DCMAKE_MAKE_PROGRAM="$AGENTHOST_PKG_MAKE_PROGRAM" \
  -DCMAKE_C_COMPILER="$AGENTHOST_PKG_CC" -DCMAKE_CXX_COMPILER="$AGENTHOST_PKG_CXX" \
  -DCMAKE_C_FLAGS="$AGENTHOST_PKG_CFLAGS" -DCMAKE_CXX_FLAGS="$AGENTHOST_PKG_CXXFLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="$AGENTHOST_PKG_LDFLAGS" \
  -DCMAKE_PREFIX_PATH="$AGENTHOST_PKG_PREFIX" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DAGENTHOST_CONSUMER_MODE=config \
  -DAGENTHOST_EXPECTED_VERSION="$AGENTHOST_PKG_VERSION" \
  -DAGENTHOST_EXPECTED_PREFIX="$AGENTHOST_PKG_PREFIX" >"$work.configure.log" 2>&1 ||
  { cat "$work.configure.log" >&2; exit 1; }
cmake --build "$work" --parallel 2
# The C consumer must load the installed libagenthost_c (CMake's build RPATH points at it).
ldd "$work/consumer_c" | grep -F "$AGENTHOST_PKG_PREFIX/" >/dev/null ||
  { echo "consumer_c does not load libagenthost_c from $AGENTHOST_PKG_PREFIX" >&2; exit 1; }
"$work/consumer_cpp" "$AGENTHOST_PKG_VERSION"
"$work/consumer_c" "$AGENTHOST_PKG_VERSION"
