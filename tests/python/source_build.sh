#!/bin/bash
# `pip install ./python` on a fresh checkout, with no AGENTHOST_C_LIBRARY: setup.py builds
# libagenthost_c with CMake from the checkout and bundles it. Copies the repository's files (git's
# tracked and untracked-but-not-ignored ones: what a clone of this tree holds) into $1/source,
# makes a fresh venv at $1/venv, installs offline (nothing from PyPI), and from outside the
# source tree imports the package and makes one memory:// call.
# Jobs: CMAKE_BUILD_PARALLEL_LEVEL (default 2). ccache, when installed, is used as the launcher.
set -euo pipefail
work=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"
mkdir -p "$work/source"

if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked files deleted in the working tree are left out, as a commit of it would.
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
    xargs -0 cp -a --parents -t "$work/source")
else
  tar -C "$repo" --exclude=./build --exclude=./.git -cf - . | tar -C "$work/source" -xf -
fi
for required in CMakeLists.txt capi/include/agenthost.h python/setup.py; do
  [ -f "$work/source/$required" ] || { echo "the copy lacks $required" >&2; exit 1; }
done
[ ! -e "$work/source/build" ] || { echo "the copy holds a build directory" >&2; exit 1; }

unset AGENTHOST_C_LIBRARY
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
# --system-site-packages: Debian's python3-wheel, as in install_venv.sh.
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
"$work/venv/bin/pip" install --no-index --no-build-isolation --no-cache-dir \
  "$work/source/python" > "$work/pip.log" 2>&1 || { tail -n 60 "$work/pip.log" >&2; exit 1; }

cd /   # import from the venv, not from the source tree
"$work/venv/bin/python" - "$work" <<'EOF'
import os, sys
import agenthost
from agenthost import _build_info

work = sys.argv[1]
assert "site-packages" in agenthost.__file__, agenthost.__file__
built = os.path.realpath(_build_info.LIBRARY_SOURCE)
assert built.startswith(os.path.realpath(os.path.join(work, "source", "python"))), built
with agenthost.Cache("memory://") as cache, agenthost.SessionStore(cache) as store:
    session = store.create("claude-sonnet-4", owner_api_key="sk-source-build")
    assert store.get(session["id"], "sk-source-build")["model"] == "claude-sonnet-4"
print("agenthost", agenthost.__version__, "built from source into", agenthost.__file__)
EOF
