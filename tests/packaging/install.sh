#!/usr/bin/env bash
# Installs the current build tree into a fresh prefix (no rebuild: ctest runs after the build)
# and checks the installed layout: headers, libraries, SONAME, CMake package, pkg-config files.
# Environment: AGENTHOST_PKG_BUILD_DIR, AGENTHOST_PKG_PREFIX, AGENTHOST_PKG_LIBDIR (relative),
# AGENTHOST_PKG_VERSION.
set -euo pipefail
build=$AGENTHOST_PKG_BUILD_DIR
prefix=$AGENTHOST_PKG_PREFIX
libdir=$prefix/$AGENTHOST_PKG_LIBDIR
version=$AGENTHOST_PKG_VERSION
major=${version%%.*}

fail() { echo "install: FAILED: $*" >&2; exit 1; }

rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null

expected=(
  include/agenthost.h
  include/agenthost/cache_client.hpp include/agenthost/config.hpp include/agenthost/error.hpp
  include/agenthost/hook_policy.hpp include/agenthost/session_store.hpp
  include/agenthost/metrics.hpp
  include/agenthost/version.hpp
  "$AGENTHOST_PKG_LIBDIR/libagenthost.a"
  "$AGENTHOST_PKG_LIBDIR/libagenthost_c.so.$version"
  "$AGENTHOST_PKG_LIBDIR/cmake/agenthost/agenthostConfig.cmake"
  "$AGENTHOST_PKG_LIBDIR/cmake/agenthost/agenthostConfigVersion.cmake"
  "$AGENTHOST_PKG_LIBDIR/cmake/agenthost/agenthostCTargets.cmake"
  "$AGENTHOST_PKG_LIBDIR/cmake/agenthost/agenthostCXXTargets.cmake"
  "$AGENTHOST_PKG_LIBDIR/pkgconfig/agenthost.pc"
  "$AGENTHOST_PKG_LIBDIR/pkgconfig/agenthost_c.pc"
)
# AGENTHOST_SHARED_CXX: the C++ API as a shared library too.
if [ "${AGENTHOST_PKG_SHARED_CXX:-OFF}" = ON ]; then
  expected+=("$AGENTHOST_PKG_LIBDIR/libagenthost_cxx.so.$version")
fi
for f in "${expected[@]}"; do
  [ -f "$prefix/$f" ] || fail "$f is not installed"
done
[ ! -e "$prefix/include/agenthost/version.hpp.in" ] || fail "the version.hpp.in template is installed"
grep -q "AGENTHOST_VERSION_STRING \"$version\"" "$prefix/include/agenthost/version.hpp" ||
  fail "version.hpp does not say $version"

# The SONAME carries the major version; the link-time name and the SONAME are symlinks.
[ "$(readlink "$libdir/libagenthost_c.so.$major")" = "libagenthost_c.so.$version" ] ||
  fail "libagenthost_c.so.$major is not a symlink to libagenthost_c.so.$version"
[ "$(readlink "$libdir/libagenthost_c.so")" = "libagenthost_c.so.$major" ] ||
  fail "libagenthost_c.so is not a symlink to libagenthost_c.so.$major"
soname=$(readelf -d "$libdir/libagenthost_c.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libagenthost_c.so.$major" ] || fail "SONAME is '$soname'"
if [ "${AGENTHOST_PKG_SHARED_CXX:-OFF}" = ON ]; then
  cxx_so=${version%.*}  # MAJOR.MINOR: the C++ API promises no binary compatibility across minors
  soname=$(readelf -d "$libdir/libagenthost_cxx.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ "$soname" = "libagenthost_cxx.so.$cxx_so" ] || fail "libagenthost_cxx.so: SONAME is '$soname'"
  [ "$(readlink "$libdir/libagenthost_cxx.so")" = "libagenthost_cxx.so.$cxx_so" ] ||
    fail "libagenthost_cxx.so is not a symlink to libagenthost_cxx.so.$cxx_so"
fi
# The installed library must not point back into the build tree.
if readelf -d "$libdir/libagenthost_c.so.$version" | grep -E '\((RUN)?PATH\)' | grep -F "$build" >/dev/null; then
  fail "the installed libagenthost_c keeps an RPATH into the build tree"
fi

# The .pc files name the prefix they were installed into, not the configure-time one.
for pc in agenthost agenthost_c; do
  grep -qx "prefix=$prefix" "$libdir/pkgconfig/$pc.pc" || fail "$pc.pc: prefix is not $prefix"
done
echo "install: ok ($prefix)"
