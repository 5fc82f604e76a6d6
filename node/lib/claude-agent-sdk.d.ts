// Adapters for the Claude Agent SDK (an optional peer dependency).
import type { HookEvent, HookJSONOutput, Options } from "@anthropic-ai/claude-agent-sdk";

import type { HookPolicy, Verdict } from "./index.js";

export declare const HOOK_EVENTS: readonly HookEvent[];

export interface ClaudeHooksOptions {
  /** The events to hook (default: those the policy's configuration lists). */
  events?: readonly HookEvent[];
  /** The SDK matcher's timeout, in seconds. */
  timeout?: number;
}

/** The SDK's Options['hooks']: one callback per event that evaluates through agenthost (passing
 * the SDK's AbortSignal on) and answers in HookJSONOutput shapes; an evaluation that fails
 * answers deny on the events that can block. */
export declare function claudeHooks(policy: HookPolicy,
                                    options?: ClaudeHooksOptions): NonNullable<Options["hooks"]>;

/** The HookJSONOutput claudeHooks answers for an event and a verdict. */
export declare function hookOutput(event: HookEvent, verdict: Verdict): HookJSONOutput;
