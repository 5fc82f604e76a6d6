#!/usr/bin/env bash
# A fresh Node project installs the package from the tarball `npm pack` makes of the installed
# test package (which carries the built addon and libagenthost_c.so.0), offline (npm's cache
# only), and uses it from outside the package: its install script finds no checkout and keeps the
# packed binaries.
#   usage: pack_install.sh PKG WORK    (PKG: the package install.sh set up)
set -euo pipefail
pkg=$1
work=$2
rm -rf "$work"
mkdir -p "$work/project"
unset AGENTHOST_SOURCE_DIR AGENTHOST_C_LIBRARY
tarball=$(cd "$pkg" && npm pack --silent --pack-destination "$work")
tar -tzf "$work/$tarball" > "$work/contents"
grep -qx 'package/build/Release/agenthost.node' "$work/contents"
grep -qx 'package/build/Release/libagenthost_c.so.0' "$work/contents"
cd "$work/project"
printf '{"name":"fresh-host","private":true,"type":"module"}\n' > package.json
npm install --offline --no-audit --no-fund --loglevel=error "$work/$tarball"
cat > check.mjs <<'JS'
import { Cache, SessionStore, HookPolicy, version } from "agenthost";
import { claudeHooks } from "agenthost/claude-agent-sdk";
import { fileURLToPath } from "node:url";
const where = fileURLToPath(import.meta.resolve("agenthost"));
if (!where.includes("/project/node_modules/agenthost/")) throw new Error(`resolved ${where}`);
const cache = new Cache("memory://");
const store = new SessionStore(cache);
const s = await store.create("claude-sonnet-4", { ownerApiKey: "sk-fresh" });
if ((await store.get(s.id, "sk-fresh")).model !== "claude-sonnet-4") throw new Error("get");
await cache.close();
const policy = new HookPolicy({ PreToolUse: { url: "http://127.0.0.1:9/hook" } }, { allowPrivateNetworks: true });
const out = await claudeHooks(policy).PreToolUse[0].hooks[0](
  { hook_event_name: "PreToolUse", session_id: "s", tool_name: "Bash", tool_input: {} }, "t",
  { signal: new AbortController().signal });
await policy.close();
if (out.hookSpecificOutput.permissionDecision !== "deny") throw new Error("fail-closed");
console.log(`agenthost ${version} installed from ${where}`);
JS
node check.mjs
