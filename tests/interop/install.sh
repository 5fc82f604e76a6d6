#!/usr/bin/env bash
# Installs the interop tests' pinned npm packages (tests/interop/package-lock.json) into DEST:
# the Claude Agent SDK for its sdk.d.ts (its optional platform binaries and peer packages are
# not needed: nothing of it is run), standardwebhooks and svix. Reuses DEST when it already holds
# this lock file's install.
#   usage: install.sh DEST
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
dest=$1
mkdir -p "$dest"
if [ -f "$dest/node_modules/.package-lock.json" ] && cmp -s "$src/package-lock.json" "$dest/package-lock.json"; then
  exit 0
fi
command -v npm >/dev/null || { echo "interop: npm is not installed (scripts/install-deps.sh installs Debian's nodejs and npm)" >&2; exit 1; }
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
npm ci --omit=optional --omit=peer --ignore-scripts --no-audit --no-fund --loglevel=error
test -f node_modules/@anthropic-ai/claude-agent-sdk/sdk.d.ts
