#!/usr/bin/env bash
# `npm install <checkout>/node` in a fresh Node project, with no AGENTHOST_C_LIBRARY: the
# package's install script builds libagenthost_c and the addon with CMake from the checkout
# (npm links the directory and runs its install script there). The checkout is a copy of the
# repository's files (git's tracked and untracked-but-not-ignored ones) in WORK/source.
#   usage: source_build.sh WORK
# Jobs: CMAKE_BUILD_PARALLEL_LEVEL (default 2). ccache, when installed, is used as the launcher.
set -euo pipefail
work=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"
mkdir -p "$work/source" "$work/project"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
  xargs -0 cp -a --parents -t "$work/source")
[ ! -e "$work/source/node/build" ] || { echo "the copy holds node/build" >&2; exit 1; }
unset AGENTHOST_C_LIBRARY AGENTHOST_SOURCE_DIR
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
if command -v ccache >/dev/null; then
  export AGENTHOST_CMAKE_ARGS="-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
fi
cd "$work/project"
printf '{"name":"fresh-host","private":true,"type":"module"}\n' > package.json
npm install --no-audit --no-fund --loglevel=error "$work/source/node" > "$work/npm.log" 2>&1 ||
  { tail -n 60 "$work/npm.log" >&2; exit 1; }
test -f "$work/source/node/build/Release/agenthost.node"
node --input-type=module -e '
import { Cache, SessionStore, libraryVersion } from "agenthost";
const cache = new Cache("memory://");
const store = new SessionStore(cache);
const s = await store.create("claude-sonnet-4");
if ((await store.get(s.id)).id !== s.id) throw new Error("get");
await cache.close();
console.log(`agenthost ${libraryVersion} built from source`);'
