// Benchmark of the agenthost Node package (a program, not a test): each figure beside a baseline
// measured in the same run, and the ratio.
//
//   (a) a 100-session page as JS objects (1,000 sessions of one owner): SessionStore.list (the
//       page JSON parsed, and the page built from the views) vs ioredis ZRANGE ... REV + MGET +
//       JSON.parse of each record, same data, interleaved rounds, medians;
//   (b) HookPolicy.evaluate throughput and p99 at concurrency 1, 100 and 1,000 against a local
//       keep-alive webhook (a node http server in its own process) vs undici POSTing the same
//       hook input with what a host writes: JSON in and out, a timeout, and fail-closed checks
//       (2xx, a JSON object, a known decision; anything else denies).
//
//   cd tests/bench/node && npm ci
//   AGENTHOST_NODE_PACKAGE=build/dev/tests/node/agenthost node tests/bench/node/bench.mjs [rounds]
//
// AGENTHOST_NODE_PACKAGE is the package ctest's node_package_install set up. Starts its own
// redis-server and webhook server on free ports, stopped by PID.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import Redis from "ioredis";
import { Agent, request } from "undici";

const pkgDir = resolve(process.env.AGENTHOST_NODE_PACKAGE ?? "build/dev/tests/node/agenthost");
const agenthost = await import(pathToFileURL(join(pkgDir, "lib", "index.js")).href);
const { _pageFromSlices, _setPageMode } = await import(pathToFileURL(join(pkgDir, "lib", "sessions.js")).href);
const { Cache, HookPolicy, SessionStore } = agenthost;
const ROUNDS = Number(process.argv[2] ?? 301);

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

function startProcess(command, args) {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"] });
  return { child, async stop() {
    if (child.exitCode === null) { child.kill(); await new Promise((r) => child.once("exit", r)); }
  } };
}

async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => {
      const s = (require_net()).connect(port, "127.0.0.1");
      s.once("connect", () => { s.destroy(); r(true); });
      s.once("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} never opened`);
}
import * as net from "node:net";
const require_net = () => net;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (x) => x.toFixed(1);

// ---- (a) the session page ------------------------------------------------------------------
async function pageBench() {
  const port = await freePort();
  const redis = startProcess("redis-server", ["--port", String(port), "--bind", "127.0.0.1",
                                              "--save", "", "--appendonly", "no"]);
  await waitPort(port);
  const url = `redis://127.0.0.1:${port}`;
  const cache = new Cache(url);
  const store = new SessionStore(cache);
  const owner = "sk-bench-owner";
  const creates = [];
  for (let i = 0; i < 1000; i++) {
    creates.push(store.create("claude-sonnet-4", { ownerApiKey: owner,
      metadata: { task: i, title: `task number ${i}`, tags: ["bench", `t${i % 7}`] } }));
    if (creates.length === 50) await Promise.all(creates.splice(0));
  }
  await Promise.all(creates);
  const client = new Redis(url, { enableAutoPipelining: false });
  const index = `sessions:by_owner:${createHash("sha256").update(owner).digest("hex")}`;

  const viaIoredis = async () => {
    const ids = await client.zrange(index, 0, 99, "REV");
    const records = await client.mget(ids.map((id) => `session:${id}`));
    const sessions = [];
    for (const r of records) if (r !== null) sessions.push(JSON.parse(r));
    return sessions;
  };
  const via = (mode) => async () => {
    _setPageMode(mode);
    return (await store.list(owner, { pageSize: 100 })).sessions;
  };
  const runs = { ioredis: [], slices: [], json: [], views: [] };
  const fns = { ioredis: viaIoredis, slices: via("slices"), json: via("json"), views: via("views") };
  for (let w = 0; w < 20; w++) for (const f of Object.values(fns)) await f();  // warm up
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, f] of Object.entries(fns)) {
      const t = performance.now();
      const sessions = await f();
      runs[name].push((performance.now() - t) * 1000);
      if (sessions.length !== 100) throw new Error(`${name}: ${sessions.length} sessions`);
    }
  }
  _setPageMode("slices");
  const base = median(runs.ioredis);
  console.log(`(a) a 100-session page as JS objects, median of ${ROUNDS} interleaved rounds:`);
  console.log(`    ioredis ZRANGE+MGET+JSON.parse   ${fmt(base)} us`);
  for (const [name, label] of [["slices", "sliced from one text (default)"],
                               ["json", "page JSON + JSON.parse"], ["views", "objects via Node-API"]]) {
    const m = median(runs[name]);
    console.log(`    agenthost list, ${label.padEnd(31)} ${fmt(m)} us  ${(m / base).toFixed(2)}x`);
  }
  // What blocks the event loop: the JS thread's share of one page (the pool thread's is not).
  const addon = (await import(pathToFileURL(join(pkgDir, "lib", "binding.js")).href)).default;
  const query = JSON.stringify({ owner_api_key: owner, page_size: 100 });
  const h = store._h();
  const text = await addon.storeList(h, query, 0);
  const slices = await addon.storeList(h, query, 2);
  const utf8 = Buffer.from(slices[0]);
  const records = await client.mget((await client.zrange(index, 0, 99, "REV")).map((id) => `session:${id}`));
  const js = {
    ioredis: () => records.map((r) => JSON.parse(r)),
    slices: () => _pageFromSlices([utf8.toString("utf8"), slices[1], slices[2]]),
    json: () => JSON.parse(text),
  };
  const cpu = {};
  for (let r = 0; r < 5; r++) {
    for (const [name, f] of Object.entries(js)) {
      const t = performance.now();
      for (let i = 0; i < 500; i++) f();
      (cpu[name] ??= []).push((performance.now() - t) * 1000 / 500);
    }
  }
  const cb = median(cpu.ioredis);
  console.log("    JS-thread work per page (median of 5 x 500): JSON.parse of the 100 records " +
              `(ioredis) ${fmt(cb)} us; sliced ${fmt(median(cpu.slices))} us ` +
              `${(median(cpu.slices) / cb).toFixed(2)}x; page JSON.parse ${fmt(median(cpu.json))} us ` +
              `${(median(cpu.json) / cb).toFixed(2)}x`);
  client.disconnect();
  await cache.close();
  await redis.stop();
}

// ---- (b) hook evaluation -------------------------------------------------------------------
const SERVER = `
const http = require("http");
const body = JSON.stringify({ decision: "allow", reason: "node says allow" });
const s = http.createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length });
    res.end(body);
  });
});
s.keepAliveTimeout = 60000; s.maxRequestsPerSocket = 0;
s.listen(parseInt(process.argv[1]), "127.0.0.1");`;

const DECISIONS = new Set(["allow", "deny", "ask", "defer"]);

/** What a host writes with undici: POST the input, a timeout, fail-closed checks. */
async function viaUndici(dispatcher, url, input) {
  try {
    const { statusCode, body } = await request(url, {
      method: "POST", dispatcher, body: JSON.stringify(input),
      headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(5000) });
    const text = await body.text();
    if (statusCode < 200 || statusCode > 299) return { decision: "deny", failed: true };
    const reply = JSON.parse(text);
    if (reply === null || typeof reply !== "object" || Array.isArray(reply) ||
        !DECISIONS.has(reply.decision)) {
      return { decision: "deny", failed: true };
    }
    return { decision: reply.decision, reason: String(reply.reason ?? ""), failed: false };
  } catch {
    return { decision: "deny", failed: true };
  }
}

async function load(total, concurrency, once) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      const v = await once(i);
      latencies.push(performance.now() - t);
      if (v.decision !== "allow" || v.failed) throw new Error(`request ${i}: ${JSON.stringify(v)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { rate: total / seconds, p99: pct(latencies, 0.99) };
}

async function hookBench() {
  const port = await freePort();
  const server = startProcess(process.execPath, ["-e", SERVER, String(port)]);
  await waitPort(port);
  const url = `http://127.0.0.1:${port}/hook`;
  const policy = new HookPolicy({ PreToolUse: { url, timeout_ms: 5000 } }, { allowPrivateNetworks: true });
  const dispatcher = new Agent({ keepAliveTimeout: 60000, connections: 512 });
  const input = (i) => ({ hook_event_name: "PreToolUse", session_id: `s${i}`, tool_name: "Bash",
                          tool_input: { command: "ls -la" } });
  console.log("(b) PreToolUse evaluations against a local keep-alive webhook (best of 3 runs each):");
  for (const [concurrency, total] of [[1, 2000], [100, 10000], [1000, 20000]]) {
    const best = { agenthost: null, undici: null };
    for (let r = 0; r < 3; r++) {
      for (const [name, once] of [["agenthost", (i) => policy.evaluate(input(i))],
                                  ["undici", (i) => viaUndici(dispatcher, url, input(i))]]) {
        const res = await load(total, concurrency, once);
        if (best[name] === null || res.rate > best[name].rate) best[name] = res;
      }
    }
    const a = best.agenthost;
    const u = best.undici;
    console.log(`    concurrency ${String(concurrency).padStart(4)}: agenthost ${fmt(a.rate)}/s p99 ${fmt(a.p99)} ms; ` +
                `undici ${fmt(u.rate)}/s p99 ${fmt(u.p99)} ms; throughput ${(a.rate / u.rate).toFixed(2)}x`);
  }
  await policy.close();
  await dispatcher.close();
  await server.stop();
}

console.log(`agenthost ${agenthost.version} (node ${process.version})`);
await pageBench();
await hookBench();
