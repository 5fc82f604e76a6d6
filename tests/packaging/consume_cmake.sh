#!/usr/bin/env bash
# Builds the consumer project against the installed prefix with find_package(agenthost CONFIG)
# and runs it: without COMPONENTS (both), with COMPONENTS C while every dependency's CMake package
# is made unfindable (the C component needs none), with COMPONENTS CXX (which then must fail), and
# with a component agenthost does not have. Environment: AGENTHOST_PKG_PREFIX, AGENTHOST_PKG_WORK,
# AGENTHOST_PKG_VERSION and the build's toolchain (AGENTHOST_PKG_GENERATOR, _MAKE_PROGRAM, _CC,
# _CXX, _CFLAGS, _CXXFLAGS, _LDFLAGS); AGENTHOST_PKG_SHARED_CXX=ON when libagenthost_cxx.so was built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/packaging/toolchain.sh
source "$here/toolchain.sh"

fail() { echo "find_package consumer: FAILED: $*" >&2; exit 1; }

# configure <work dir> <cmake args...>: configures the consumer; its log is <work dir>.configure.log.
configure() {
  local work=$1
  shift
  rm -rf "$work"
  cmake -S "$here/consumer" -B "$work" "${agenthost_toolchain_args[@]}" \
    -DCMAKE_PREFIX_PATH="$AGENTHOST_PKG_PREFIX" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DAGENTHOST_CONSUMER_MODE=config \
    -DAGENTHOST_EXPECTED_VERSION="$AGENTHOST_PKG_VERSION" \
    -DAGENTHOST_EXPECTED_PREFIX="$AGENTHOST_PKG_PREFIX" "$@" >"$work.configure.log" 2>&1
}

# The C consumer must load the installed libagenthost_c (CMake's build RPATH points at it).
# (grep reads all of ldd's output: with -q, ldd could die of SIGPIPE and fail the pipeline.)
loads_installed() {
  ldd "$1" | grep -F "$AGENTHOST_PKG_PREFIX/" >/dev/null ||
    fail "$1 does not load its agenthost library from $AGENTHOST_PKG_PREFIX"
}

# 1. Both components (no COMPONENTS): the C++ program (static, and shared when built) and the C one.
work=$AGENTHOST_PKG_WORK/consume-cmake
configure "$work" || { cat "$work.configure.log" >&2; fail "configure (both components)"; }
cmake --build "$work" --parallel 2
loads_installed "$work/consumer_c"
"$work/consumer_cpp" "$AGENTHOST_PKG_VERSION"
"$work/consumer_c" "$AGENTHOST_PKG_VERSION"
if [ "${AGENTHOST_PKG_SHARED_CXX:-OFF}" = ON ]; then
  [ -x "$work/consumer_cpp_shared" ] || fail "no agenthost::agenthost_shared target"
  loads_installed "$work/consumer_cpp_shared"
  "$work/consumer_cpp_shared" "$AGENTHOST_PKG_VERSION"
fi

# 2. COMPONENTS C with none of the dependencies' packages findable: only agenthost::agenthost_c.
deps=(Threads CURL OpenSSL simdjson fmt PkgConfig)
disabled=()
for d in "${deps[@]}"; do disabled+=("-DCMAKE_DISABLE_FIND_PACKAGE_$d=ON"); done
work_c=$AGENTHOST_PKG_WORK/consume-cmake-c
configure "$work_c" -DAGENTHOST_CONSUMER_COMPONENTS=C "${disabled[@]}" ||
  { cat "$work_c.configure.log" >&2; fail "COMPONENTS C needs a dependency's package"; }
cmake --build "$work_c" --parallel 2
[ ! -e "$work_c/consumer_cpp" ] || fail "COMPONENTS C built the C++ consumer"
loads_installed "$work_c/consumer_c"
"$work_c/consumer_c" "$AGENTHOST_PKG_VERSION"

# ... and with CXX optional beside it: the package is found, without the C++ target.
configure "$work_c" "-DAGENTHOST_CONSUMER_COMPONENTS=C;OPTIONAL_COMPONENTS;CXX" "${disabled[@]}" ||
  { cat "$work_c.configure.log" >&2; fail "an optional CXX component failed the package"; }

# 3. The same switches do bite: COMPONENTS CXX cannot be found without its dependencies.
work_cxx=$AGENTHOST_PKG_WORK/consume-cmake-cxx
if configure "$work_cxx" -DAGENTHOST_CONSUMER_COMPONENTS=CXX "${disabled[@]}"; then
  fail "COMPONENTS CXX was found with its dependencies' packages disabled"
fi
grep -q "agenthost" "$work_cxx.configure.log" || fail "COMPONENTS CXX failed without naming agenthost"
# Nor is the package without COMPONENTS (both required), naming what is missing.
if configure "$work_cxx" "${disabled[@]}"; then
  fail "find_package(agenthost) without COMPONENTS was found with the dependencies disabled"
fi
grep -q "agenthost's CXX component needs Threads, CURL, OpenSSL, simdjson, fmt" "$work_cxx.configure.log" ||
  { cat "$work_cxx.configure.log" >&2; fail "no message naming the missing packages"; }
# ... and is found alone when they are findable, without agenthost::agenthost_c.
configure "$work_cxx" -DAGENTHOST_CONSUMER_COMPONENTS=CXX ||
  { cat "$work_cxx.configure.log" >&2; fail "configure (COMPONENTS CXX)"; }

# 4. A component agenthost does not have is an error naming it and the ones it has.
work_bad=$AGENTHOST_PKG_WORK/consume-cmake-bad
if configure "$work_bad" -DAGENTHOST_CONSUMER_COMPONENTS=Fortran; then
  fail "COMPONENTS Fortran was accepted"
fi
grep -q "agenthost has no component 'Fortran' (it has: C, CXX)" "$work_bad.configure.log" ||
  { cat "$work_bad.configure.log" >&2; fail "COMPONENTS Fortran: no clear message"; }
echo "find_package consumer: ok (both components; C alone and C with CXX optional, without the dependencies; CXX and both refused without them; CXX alone)"
