#!/usr/bin/env bash
# Installs the Node package for the node tests: copies node/ (without node_modules or build) to
# DEST/agenthost with tests/node and examples/node inside it (they import "agenthost" by the
# package's self-reference), runs `npm ci` there (the pinned lock file; its install script builds
# the addon against LIB, the libagenthost_c the build made), and reuses DEST's node_modules while
# the lock file is unchanged.
#   usage: install.sh DEST LIB
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
dest=$1
lib=$2
pkg=$dest/agenthost
command -v npm >/dev/null || { echo "node: npm is not installed (scripts/install-deps.sh installs Debian's nodejs and npm)" >&2; exit 1; }
mkdir -p "$pkg"
# The package's files, fresh each time (a removed source file must not linger).
rm -rf "$pkg/lib" "$pkg/src" "$pkg/scripts" "$pkg/test" "$pkg/examples"
cp -r "$source_dir/node/lib" "$source_dir/node/src" "$source_dir/node/scripts" "$pkg/"
cp "$source_dir/node/CMakeLists.txt" "$source_dir/node/package.json" "$source_dir/node/tsconfig.json" "$pkg/"
mkdir -p "$pkg/test" "$pkg/examples"
cp "$here"/*.mjs "$here"/*.ts "$here/tsconfig.json" "$pkg/test/"
cp "$source_dir/examples/node/"*.mjs "$pkg/examples/"
export AGENTHOST_SOURCE_DIR=$source_dir AGENTHOST_C_LIBRARY=$lib
export AGENTHOST_CMAKE_ARGS="${AGENTHOST_CMAKE_ARGS:-} -DCMAKE_CXX_FLAGS=-Werror"
if command -v ccache >/dev/null; then
  AGENTHOST_CMAKE_ARGS="$AGENTHOST_CMAKE_ARGS -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
fi
cd "$pkg"
if [ -f node_modules/.package-lock.json ] && cmp -s "$source_dir/node/package-lock.json" package-lock.json; then
  node scripts/install.mjs
else
  cp "$source_dir/node/package-lock.json" .
  npm ci --omit=optional --no-audit --no-fund --loglevel=error
fi
test -f build/Release/agenthost.node
