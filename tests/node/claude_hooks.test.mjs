// claudeHooks against a real local webhook: the callbacks the Claude Agent SDK would call answer
// in its HookJSONOutput shapes, fail closed, and pass the SDK's AbortSignal on. The event list
// is checked against the pinned SDK's own HOOK_EVENTS.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { HOOK_EVENTS as SDK_HOOK_EVENTS } from "@anthropic-ai/claude-agent-sdk";
import { HookPolicy, InvalidArgument } from "agenthost";
import { HOOK_EVENTS, claudeHooks } from "agenthost/claude-agent-sdk";

import { webhookServer } from "./support.mjs";

let server;
before(async () => { server = await webhookServer(); });
after(async () => { await server.stop(); });

const base = { session_id: "s1", transcript_path: "/tmp/t.jsonl", cwd: "/" };
const bash = (event, command = "ls") => ({ ...base, hook_event_name: event, tool_name: "Bash",
                                           tool_input: { command }, tool_use_id: "tu1" });
const signal = () => ({ signal: new AbortController().signal });

async function withHooks(config, fn, options) {
  const policy = new HookPolicy(config, { allowPrivateNetworks: true });
  try {
    await fn(claudeHooks(policy, options), policy);
  } finally {
    await policy.close();
  }
}
const callbackOf = (hooks, event) => hooks[event][0].hooks[0];

test("HOOK_EVENTS is the SDK's", () => {
  assert.deepEqual([...HOOK_EVENTS], [...SDK_HOOK_EVENTS]);
});

test("one matcher with one callback per configured event, in the SDK's spelling", () =>
  withHooks({ pre_tool_use: { url: server.url("/allow") }, Stop: { url: server.url("/allow") },
              NotAnSdkEvent: { url: server.url("/allow") } }, async (hooks) => {
    assert.deepEqual(Object.keys(hooks), ["PreToolUse", "Stop"]);
    for (const matchers of Object.values(hooks)) {
      assert.equal(matchers.length, 1);
      assert.equal(matchers[0].hooks.length, 1);
      assert.equal(matchers[0].matcher, undefined);  // the policy's own matchers decide
    }
  }));

test("PreToolUse answers permissionDecision, with the reason and an updated input", async () => {
  await withHooks({ PreToolUse: { url: server.url("/cc/deny") } }, async (hooks) => {
    const out = await callbackOf(hooks, "PreToolUse")(bash("PreToolUse"), "tu1", signal());
    assert.deepEqual(out, { hookSpecificOutput: { hookEventName: "PreToolUse",
      permissionDecision: "deny", permissionDecisionReason: "cc deny" } });
  });
  await withHooks({ PreToolUse: { url: server.url("/cc/modify") } }, async (hooks) => {
    const out = await callbackOf(hooks, "PreToolUse")(bash("PreToolUse"), "tu1", signal());
    assert.equal(out.hookSpecificOutput.permissionDecision, "allow");
    assert.deepEqual(out.hookSpecificOutput.updatedInput, { command: "ls -la" });
  });
  await withHooks({ PreToolUse: { url: server.url("/cc/stop") } }, async (hooks) => {
    const out = await callbackOf(hooks, "PreToolUse")(bash("PreToolUse"), "tu1", signal());
    assert.equal(out.continue, false);
    assert.equal(out.stopReason, "budget spent");
    assert.equal(out.hookSpecificOutput.permissionDecision, "deny");
  });
});

test("a webhook that is down, or input the library refuses, answers deny on gate events", () =>
  withHooks({ PreToolUse: { url: "http://127.0.0.1:9/hook" },
              PermissionRequest: { url: "http://127.0.0.1:9/hook" },
              PostToolUse: { url: "http://127.0.0.1:9/hook" } }, async (hooks) => {
    const out = await callbackOf(hooks, "PreToolUse")(bash("PreToolUse"), "tu1", signal());
    assert.equal(out.hookSpecificOutput.permissionDecision, "deny");
    assert.match(out.hookSpecificOutput.permissionDecisionReason, /127\.0\.0\.1:9/);
    const refused = await callbackOf(hooks, "PreToolUse")({ ...bash("PreToolUse"), hook_event_name: "bad name!" },
                                                          "tu1", signal());
    assert.equal(refused.hookSpecificOutput.permissionDecision, "deny");
    const perm = await callbackOf(hooks, "PermissionRequest")(bash("PermissionRequest"), "tu1", signal());
    assert.equal(perm.hookSpecificOutput.decision.behavior, "deny");
    // An informational event allows on a failure: nothing to block.
    const post = await callbackOf(hooks, "PostToolUse")({ ...bash("PostToolUse"), tool_response: {} },
                                                        "tu1", signal());
    assert.equal(post.decision, undefined);
    assert.equal(post.hookSpecificOutput, undefined);
  }));

test("a closed policy answers deny on blocking events", async () => {
  const policy = new HookPolicy({ UserPromptSubmit: { url: server.url("/allow") } },
                                { allowPrivateNetworks: true });
  const hooks = claudeHooks(policy);
  await policy.close();
  const out = await callbackOf(hooks, "UserPromptSubmit")({ ...base, hook_event_name: "UserPromptSubmit",
                                                            prompt: "hi" }, undefined, signal());
  assert.equal(out.decision, "block");
  assert.match(out.reason, /closed/);
});

test("PermissionRequest answers decision.behavior", async () => {
  await withHooks({ PermissionRequest: { url: server.url("/perm/allow") } }, async (hooks) => {
    const out = await callbackOf(hooks, "PermissionRequest")(bash("PermissionRequest"), "tu1", signal());
    assert.deepEqual(out.hookSpecificOutput, { hookEventName: "PermissionRequest",
      decision: { behavior: "allow", updatedInput: { command: "ls" } } });
  });
  await withHooks({ PermissionRequest: { url: server.url("/perm/deny") } }, async (hooks) => {
    const out = await callbackOf(hooks, "PermissionRequest")(bash("PermissionRequest"), "tu1", signal());
    assert.deepEqual(out.hookSpecificOutput, { hookEventName: "PermissionRequest",
      decision: { behavior: "deny", message: "not on prod", interrupt: true } });
  });
});

test("blocking events answer decision: block; context reaches additionalContext", async () => {
  await withHooks({ UserPromptSubmit: { url: server.url("/deny") } }, async (hooks) => {
    const out = await callbackOf(hooks, "UserPromptSubmit")({ ...base, hook_event_name: "UserPromptSubmit",
                                                              prompt: "hi" }, undefined, signal());
    assert.deepEqual(out, { decision: "block", reason: "server says deny" });
  });
  await withHooks({ PostToolUse: { url: server.url("/cc/post") } }, async (hooks) => {
    const out = await callbackOf(hooks, "PostToolUse")({ ...bash("PostToolUse"), tool_response: {} },
                                                       "tu1", signal());
    assert.deepEqual(out, { hookSpecificOutput: { hookEventName: "PostToolUse",
                                                  additionalContext: "logged" } });
  });
});

test("the SDK's AbortSignal cancels the evaluation: deny", () =>
  withHooks({ PreToolUse: { url: server.url("/slow?ms=5000&d=allow") } }, async (hooks) => {
    const controller = new AbortController();
    const pending = callbackOf(hooks, "PreToolUse")(bash("PreToolUse"), "tu1",
                                                    { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const out = await pending;
    assert.equal(out.hookSpecificOutput.permissionDecision, "deny");
    assert.match(out.hookSpecificOutput.permissionDecisionReason, /cancel/);
  }));

test("options.events and options.timeout", async () => {
  await withHooks({ PreToolUse: { url: server.url("/allow") } }, async (hooks) => {
    assert.deepEqual(Object.keys(hooks), ["PreToolUse", "Stop"]);
    assert.equal(hooks.PreToolUse[0].timeout, 30);
  }, { events: ["PreToolUse", "Stop"], timeout: 30 });
  const policy = new HookPolicy({}, {});
  assert.throws(() => claudeHooks(policy, { events: ["Nope"] }), InvalidArgument);
  assert.throws(() => claudeHooks({}), InvalidArgument);
  await policy.close();
});
