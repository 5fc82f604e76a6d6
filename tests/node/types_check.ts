// tsc --strict --noEmit: the package's declarations against the Claude Agent SDK's own types.
// claudeHooks(...) is the SDK's Options['hooks']; its callbacks are the SDK's HookCallback,
// called with the SDK's hook inputs, answering its HookJSONOutput.
import type { HookCallback, HookCallbackMatcher, HookEvent, HookJSONOutput, Options,
  PreToolUseHookInput } from "@anthropic-ai/claude-agent-sdk";
import { Cache, HookPolicy, NotFound, SessionStore, asyncDispose, metrics } from "agenthost";
import type { Page, Session, Verdict } from "agenthost";
import { claudeHooks, hookOutput } from "agenthost/claude-agent-sdk";

export async function check(): Promise<void> {
  const policy = new HookPolicy({ PreToolUse: { url: "https://policy.example/hook" } });
  const hooks: Options["hooks"] = claudeHooks(policy);
  const options: Options = { hooks: claudeHooks(policy, { events: ["PreToolUse", "Stop"], timeout: 5 }) };
  const matchers: HookCallbackMatcher[] | undefined = hooks?.PreToolUse;
  const callback: HookCallback | undefined = matchers?.[0]?.hooks[0];
  const input: PreToolUseHookInput = { hook_event_name: "PreToolUse", session_id: "s",
    transcript_path: "/t", cwd: "/", tool_name: "Bash", tool_input: { command: "ls" },
    tool_use_id: "tu1" };
  const out: HookJSONOutput | undefined = await callback?.(input, "tu1",
                                                           { signal: new AbortController().signal });
  const event: HookEvent = "PreToolUse";
  const verdict: Verdict = await policy.evaluate(input, { signal: AbortSignal.timeout(1000) });
  const again: HookJSONOutput = hookOutput(event, verdict);
  void options; void out; void again;

  const cache = new Cache("memory://", { maxConnections: 4 });
  const store = new SessionStore(cache, { ttlSeconds: 600 });
  const s: Session = await store.create("m", { ownerApiKey: "k", metadata: { a: 1 } });
  const page: Page = await store.list("k", { pageSize: 10 });
  for await (const p of store.pages("k")) void p.next_cursor;
  const value: Buffer | null = await cache.get("k");
  const text: string = metrics.prometheusText({ cache, store, policy });
  try {
    await store.get(s.id, "other");
  } catch (e) {
    if (e instanceof NotFound) { const code: number = e.code; void code; }
  }
  void page; void value; void text;
  await store[Symbol.asyncDispose]();
  await cache[asyncDispose]();
  await policy.close();
}
