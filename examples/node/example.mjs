// agenthost Node example: a cache, sessions of two owners listed page by page, PreToolUse hooks
// evaluated by a policy webhook that fails closed, and the same policy as the Claude Agent SDK's
// hooks. The same steps as examples/python/example.py.
//
//   node example.mjs [cache] [sessions] [policy] [fail-closed]   (none: all four)
//
// Environment: REDIS_URL (else memory://), AGENTHOST_EXAMPLE_PREFIX, AGENTHOST_POLICY_URL,
// AGENTHOST_POLICY_SECRET, AGENTHOST_POLICY_DOWN_URL (default http://127.0.0.1:9/hook).
// Exit status 0 when every step worked and every verdict was the expected one.
import { AgenthostError, Cache, HookPolicy, NotFound, SessionStore, version } from "agenthost";
import { claudeHooks } from "agenthost/claude-agent-sdk";

const SECTIONS = ["cache", "sessions", "policy", "fail-closed"];

function openCache() {
  const useEnv = Boolean(process.env.REDIS_URL);
  const cache = new Cache(useEnv ? null : "memory://");  // null: REDIS_URL and REDIS_*
  console.log(`agenthost ${version}, cache backend: ${useEnv ? "Redis (REDIS_URL)" : "memory://"}`);
  return cache;
}

async function cacheDemo(cache, prefix) {
  const key = `${prefix}example:greeting`;
  await cache.ping();
  await cache.set(key, "hello from agenthost", 60);
  const value = await cache.get(key);  // a Buffer, or null when absent
  console.log(`cache: ${key} = "${value}" (${value.length} bytes, expires in 60 s)`);
  console.log(`cache: deleted ${key} (${Number(await cache.delete(key))} key removed)`);
}

async function createSessions(store, ownerKey, n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    ids.push((await store.create("claude-sonnet-4", { ownerApiKey: ownerKey, metadata: { task: i + 1 } })).id);
  }
  console.log(`sessions: created ${n} for the owner of key ${ownerKey}`);
  return ids;
}

async function listPages(store, ownerKey) {
  let pageNo = 0;
  for await (const page of store.pages(ownerKey, { pageSize: 3 })) {  // follows next_cursor
    console.log(`sessions: page ${++pageNo} for key ${ownerKey}: ${page.sessions.length} of ` +
                `${page.total}, newest first`);
    for (const s of page.sessions) console.log(`  ${s.id}  ${s.status}`);
  }
}

/** Another owner's session reads exactly like an absent one; its owner can update it. */
async function ownerDemo(store, sessionId) {
  let outcome = "found";
  try {
    await store.get(sessionId, "sk-example-bob");
  } catch (e) {
    if (!(e instanceof NotFound)) throw e;
    outcome = e.status;
  }
  console.log(`sessions: bob reads alice's session ${sessionId} -> ${outcome}`);
  const updated = await store.update(sessionId, "sk-example-alice",
                                     { status: "completed", incrementTurns: true });
  console.log(`sessions: alice updates it -> status ${updated.status}, one more turn`);
  return outcome === "not_found";
}

async function sessionDemo(cache, prefix) {
  const store = new SessionStore(cache, { keyPrefix: `${prefix}session:`,
                                          indexPrefix: `${prefix}sessions:`, ttlSeconds: 600 });
  const ids = [];
  try {
    ids.push(...await createSessions(store, "sk-example-alice", 7));
    ids.push(...await createSessions(store, "sk-example-bob", 2));
    await listPages(store, "sk-example-alice");
    return await ownerDemo(store, ids[6]);
  } finally {
    for (const id of ids) await store.delete(id);
    console.log(`sessions: deleted the ${ids.length} sessions`);
    await store.close();
  }
}

function openPolicy(url, secret) {
  const hook = { url, timeout_ms: 2000 };
  if (secret) hook.secret = secret;
  // The SSRF guard refuses loopback and private addresses by default. This example's policy
  // server runs on 127.0.0.1, so it opts in; leave it off for webhooks on the internet.
  return new HookPolicy({ PreToolUse: hook }, { allowPrivateNetworks: true });
}

/** Prints the verdict; true when it is `expected` and comes from the policy itself (failClosed
 * false) or from a failure (failClosed true). */
async function evaluate(policy, tool, arg, expected, failClosed) {
  const field = tool === "Bash" ? "command" : "file_path";
  const verdict = await policy.evaluate({ hook_event_name: "PreToolUse", session_id: "example",
                                          tool_name: tool, tool_input: { [field]: arg } });
  console.log(`hooks: PreToolUse ${tool} "${arg}" -> ${verdict.decision} ` +
              `(${verdict.failed ? "fail-closed" : "policy"}: ${verdict.reason})`);
  return verdict.decision === expected && verdict.failed === failClosed;
}

/** The same policy as the Claude Agent SDK's hooks: `query({prompt, options: {hooks}})`. */
async function sdkDemo(policy) {
  const hooks = claudeHooks(policy);
  const callback = hooks.PreToolUse[0].hooks[0];
  const output = await callback({ hook_event_name: "PreToolUse", session_id: "example",
                                  transcript_path: "", cwd: "/", tool_name: "Bash",
                                  tool_input: { command: "rm -rf /" }, tool_use_id: "t1" },
                                "t1", { signal: new AbortController().signal });
  console.log(`hooks: as the Claude Agent SDK's PreToolUse hook -> ` +
              `${output.hookSpecificOutput.permissionDecision}`);
  return output.hookSpecificOutput.permissionDecision === "deny";
}

async function policyDemo() {
  const url = process.env.AGENTHOST_POLICY_URL;
  const secret = process.env.AGENTHOST_POLICY_SECRET;
  if (!url) {
    console.log("hooks: AGENTHOST_POLICY_URL is not set: skipping the policy server " +
                "(scripts/run-example.sh starts one)");
    return true;
  }
  console.log(`hooks: asking the policy server at ${url} (${secret ? "signed" : "unsigned"} requests)`);
  const policy = openPolicy(url, secret);
  try {
    const ok = await evaluate(policy, "Bash", "rm -rf /", "deny", false);
    return await evaluate(policy, "Read", "README.md", "allow", false) && ok &&
           await sdkDemo(policy);
  } finally {
    await policy.close();
  }
}

async function failClosedDemo() {
  const url = process.env.AGENTHOST_POLICY_DOWN_URL || "http://127.0.0.1:9/hook";
  console.log(`hooks: asking a policy server that is down (${url}): PreToolUse fails closed`);
  const policy = openPolicy(url);
  try {
    return await evaluate(policy, "Bash", "ls", "deny", true);
  } finally {
    await policy.close();
  }
}

async function main(argv) {
  const unknown = argv.filter((a) => !SECTIONS.includes(a));
  if (unknown.length > 0) {
    console.error(`usage: example.mjs [${SECTIONS.join("] [")}]`);
    return 2;
  }
  const wanted = new Set(argv.length > 0 ? argv : SECTIONS);
  const prefix = process.env.AGENTHOST_EXAMPLE_PREFIX ?? "";
  let ok = true;
  try {
    if (wanted.has("cache") || wanted.has("sessions")) {
      const cache = openCache();
      try {
        if (wanted.has("cache")) await cacheDemo(cache, prefix);
        if (wanted.has("sessions")) ok = await sessionDemo(cache, prefix);
      } finally {
        await cache.close();
      }
    }
    if (ok && wanted.has("policy")) ok = await policyDemo();
    if (ok && wanted.has("fail-closed")) ok = await failClosedDemo();
  } catch (e) {
    if (!(e instanceof AgenthostError)) throw e;
    // Every failure carries the C status (e.code, e.status) and a message naming what failed.
    console.error(`agenthost error (${e.status}): ${e.message}`);
    return 1;
  }
  if (!ok) console.error("the example did not complete as expected");
  return ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
