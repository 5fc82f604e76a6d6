#!/usr/bin/env bash
# Builds the consumer project with add_subdirectory(<agenthost source>) and runs it. This is the
# one packaging test that compiles agenthost again (unoptimised, to keep it short); its build
# directory is kept, so a second run only rebuilds what changed.
# Environment: AGENTHOST_PKG_SOURCE_DIR, AGENTHOST_PKG_WORK, AGENTHOST_PKG_VERSION and the
# toolchain variables of consume_cmake.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$AGENTHOST_PKG_WORK/consume-subdirectory
mkdir -p "$work"
cmake -S "$here/consumer" -B "$work" -G "$AGENTHOST_PKG_GENERATOR" \
  -DCMAKE_MAKE_PROGRAM="$AGENTHOST_PKG_MAKE_PROGRAM" \
  -DCMAKE_C_COMPILER="$AGENTHOST_PKG_CC" -DCMAKE_CXX_COMPILER="$AGENTHOST_PKG_CXX" \
  -DCMAKE_C_FLAGS="$AGENTHOST_PKG_CFLAGS" -DCMAKE_CXX_FLAGS="$AGENTHOST_PKG_CXXFLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="$AGENTHOST_PKG_LDFLAGS" \
  -DCMAKE_SHARED_LINKER_FLAGS="$AGENTHOST_PKG_LDFLAGS" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG=-O0 -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
  -DAGENTHOST_CONSUMER_MODE=subdirectory \
  -DAGENTHOST_SOURCE_DIR="$AGENTHOST_PKG_SOURCE_DIR" \
  -DAGENTHOST_EXPECTED_VERSION="$AGENTHOST_PKG_VERSION" >"$work.configure.log" 2>&1 ||
  { cat "$work.configure.log" >&2; exit 1; }

# Only the consumer's own two tests exist: agenthost registered none of its own.
tests=$(ctest --test-dir "$work" -N | sed -n 's/^Total Tests: //p')
[ "$tests" = 2 ] || { echo "expected the consumer's 2 tests, ctest lists $tests" >&2; exit 1; }
[ ! -e "$work/agenthost/tests" ] || { echo "agenthost configured its tests/" >&2; exit 1; }
[ ! -e "$work/agenthost/examples" ] || { echo "agenthost configured its examples/" >&2; exit 1; }

cmake --build "$work" --parallel 2 --target consumer_cpp consumer_c
"$work/consumer_cpp" "$AGENTHOST_PKG_VERSION"
"$work/consumer_c" "$AGENTHOST_PKG_VERSION"
