// HookPolicy against a real local webhook (tests/support/webhook_server.py): verdicts, failures
// that fail closed, bad input, aborts, closing with evaluations in flight, metrics, and the
// event loop ticking while 1,000 evaluations wait on a 2 s webhook. No timing is asserted: the
// ticker check counts ticks, which only a blocked loop would miss.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { HookPolicy, InvalidArgument, metrics } from "agenthost";

import { preToolUse, webhookServer } from "./support.mjs";

let server;
before(async () => { server = await webhookServer(); });
after(async () => { await server.stop(); });

const policy = (path, options = {}) =>
  new HookPolicy({ PreToolUse: { url: server.url(path), timeout_ms: 10000 } },
                 { allowPrivateNetworks: true, ...options });

test("the webhook's decision is the verdict; failures deny", async () => {
  for (const [path, decision, failed] of [["/allow", "allow", false], ["/deny", "deny", false],
                                          ["/status500allow", "deny", true], ["/garbage", "deny", true]]) {
    const p = policy(path);
    try {
      const v = await p.evaluate(preToolUse());
      assert.equal(v.decision, decision, path);
      assert.equal(v.failed, failed, path);
      assert.equal(v.hooks.length, 1);
      assert.equal(v.hooks[0].url, server.url(path));
    } finally {
      await p.close();
    }
  }
  const down = new HookPolicy({ PreToolUse: { url: "http://127.0.0.1:9/hook" } },
                              { allowPrivateNetworks: true });
  const v = await down.evaluate(JSON.stringify(preToolUse()));  // JSON text is passed on as is
  assert.equal(v.decision, "deny");
  assert.equal(v.error, "connection");
  await down.close();
});

test("the SSRF guard refuses loopback unless allowed: a failed deny", async () => {
  const p = new HookPolicy({ PreToolUse: { url: server.url("/allow") } });
  try {
    const v = await p.evaluate(preToolUse());
    assert.equal(v.decision, "deny");
    assert.equal(v.failed, true);
  } finally {
    await p.close();
  }
});

test("bad configuration and bad input are InvalidArgument; refused input carries a deny", async () => {
  assert.throws(() => new HookPolicy({ PreToolUse: { url: "ftp://x" } }), (e) =>
    e instanceof InvalidArgument && e.code === 1 && /PreToolUse/.test(e.message));
  assert.throws(() => new HookPolicy("{not json"), InvalidArgument);
  assert.throws(() => new HookPolicy({}, { maxResponseBytes: -1 }), /maxResponseBytes/);
  assert.throws(() => new HookPolicy({}, { allowPrivateNetwork: true }), /unknown option/);
  const p = policy("/allow");
  try {
    for (const input of ['{"hook_event_name":"PreToolUse","a":1,"a":2}', "[]", "{}"]) {
      await assert.rejects(p.evaluate(input), (e) => {
        assert.ok(e instanceof InvalidArgument, input);
        assert.equal(e.verdict.decision, "deny");
        assert.equal(e.verdict.failed, true);
        return true;
      });
    }
    await assert.rejects(p.evaluate(42), (e) => e.verdict?.decision === "deny");
  } finally {
    await p.close();
  }
});

test("an AbortSignal cancels: the evaluation settles with the cancelled deny", async () => {
  const p = policy("/slow?ms=5000&d=allow");
  try {
    const controller = new AbortController();
    const pending = p.evaluate(preToolUse(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const v = await pending;
    assert.equal(v.decision, "deny");
    assert.equal(v.failed, true);
    assert.equal(v.error, "cancelled");
    const v2 = await p.evaluate(preToolUse(), { signal: AbortSignal.abort() });  // already aborted
    assert.equal(v2.error, "cancelled");
    // An abort after the verdict changes nothing.
    const done = new AbortController();
    const p2 = policy("/allow");
    const v3 = await p2.evaluate(preToolUse(), { signal: done.signal });
    done.abort();
    assert.equal(v3.decision, "allow");
    await p2.close();
  } finally {
    await p.close();
  }
});

test("closing the policy settles the evaluations in flight with the cancelled deny", async () => {
  const p = policy("/slow?ms=5000&d=allow");
  const pending = Array.from({ length: 20 }, (_, i) => p.evaluate(preToolUse(i)));
  await new Promise((r) => setTimeout(r, 100));
  await p.close();
  const verdicts = await Promise.all(pending);
  for (const v of verdicts) {
    assert.equal(v.decision, "deny");
    assert.equal(v.error, "cancelled");
  }
  await assert.rejects(p.evaluate(preToolUse()), /closed/);
});

test("metrics render the policy's counters", async () => {
  const p = policy("/deny");
  try {
    await p.evaluate(preToolUse());
    const text = metrics.prometheusText({ policy: p });
    assert.match(text, /agenthost_hook_evaluations_total\{[^}]*event="PreToolUse"[^}]*decision="deny"[^}]*\} 1/);
    const families = metrics.metrics({ policy: p });
    assert.ok(Object.keys(families).some((f) => f.startsWith("agenthost_hook_")));
    assert.throws(() => metrics.prometheusText({ policy: {} }), InvalidArgument);
  } finally {
    await p.close();
  }
});

test("a 10 ms ticker keeps ticking while 1,000 evaluations wait on a 2 s webhook", async () => {
  const p = policy("/slow?ms=2000&d=allow");
  try {
    let ticks = 0;
    const ticker = setInterval(() => { ticks++; }, 10);
    const started = performance.now();
    const verdicts = await Promise.all(Array.from({ length: 1000 }, (_, i) => p.evaluate(preToolUse(i))));
    const elapsed = performance.now() - started;
    clearInterval(ticker);
    assert.equal(verdicts.filter((v) => v.decision === "allow" && !v.failed).length, 1000);
    // Every evaluation waits 2 s at the webhook, so the loop was free for at least 2 s: a
    // ticking loop counts some 200 ticks in that time (20 even on a loaded machine); a loop
    // blocked while the evaluations wait (say, on each in turn) counts none or one.
    assert.ok(elapsed >= 2000);
    assert.ok(ticks >= 20, `only ${ticks} ticks in ${Math.round(elapsed)} ms`);
  } finally {
    await p.close();
  }
});
