// Reads the Claude Agent SDK's type declarations (sdk.d.ts of the pinned
// @anthropic-ai/claude-agent-sdk) and prints, as JSON, what the interop test checks agenthost
// against: every hook event, every permission decision, every field of the common hook output
// (SyncHookJSONOutput) and of each event's hookSpecificOutput.
//   usage: node sdk_shapes.mjs <node_modules dir>
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dts = readFileSync(
  join(process.argv[2], "@anthropic-ai", "claude-agent-sdk", "sdk.d.ts"), "utf8");

function must(match, what) {
  if (!match) throw new Error(`sdk.d.ts: ${what} not found`);
  return match;
}

const quoted = (text) => [...text.matchAll(/'([^']+)'/g)].map((m) => m[1]);

// The body of `export declare type NAME = { ... };` (up to the first line that is just "};").
function typeBody(name) {
  const start = dts.indexOf(`export declare type ${name} = {`);
  if (start < 0) throw new Error(`sdk.d.ts: type ${name} not found`);
  const end = dts.indexOf("\n};", start);
  return dts.slice(start, end);
}

// Field names at an indentation (4 = the type's own fields, 8 = one object deeper), skipping
// the contents of comments.
function fields(body, indent) {
  const re = new RegExp(`^ {${indent}}([A-Za-z_][A-Za-z0-9_]*)\\??:`, "gm");
  return [...new Set([...body.matchAll(re)].map((m) => m[1]))];
}

const events = quoted(must(dts.match(/export declare const HOOK_EVENTS: readonly \[([^\]]*)\]/),
  "HOOK_EVENTS")[1]);
const decisions = quoted(must(dts.match(/export declare type HookPermissionDecision = ([^;]*);/),
  "HookPermissionDecision")[1]);
const sync = typeBody("SyncHookJSONOutput");
const outputs = {};
for (const m of sync.matchAll(/(\w+)HookSpecificOutput/g)) {
  const body = typeBody(`${m[1]}HookSpecificOutput`);
  const event = must(body.match(/hookEventName: '([^']+)'/), `${m[1]} hookEventName`)[1];
  const own = fields(body, 4).filter((f) => f !== "hookEventName");
  const nested = fields(body, 8).map((f) => `decision.${f}`);
  outputs[event] = event === "PermissionRequest" ? [...own, ...nested] : own;
}
process.stdout.write(JSON.stringify({
  events,
  permission_decisions: decisions,
  sync_fields: fields(sync, 4).filter((f) => f !== "hookSpecificOutput"),
  outputs,
}, null, 1) + "\n");
