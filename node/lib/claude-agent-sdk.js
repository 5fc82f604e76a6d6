// Adapters for the Claude Agent SDK (@anthropic-ai/claude-agent-sdk, an optional peer
// dependency: nothing of it is imported here). claudeHooks(policy) returns the SDK's
// Options['hooks']: one callback per event, evaluating through agenthost and answering in the
// SDK's HookJSONOutput shapes, fail-closed.
import { InvalidArgument } from "./errors.js";
import { HookPolicy, denyVerdict } from "./hooks.js";

/** The SDK's HOOK_EVENTS (tests/node checks this list against the pinned SDK's sdk.d.ts). */
export const HOOK_EVENTS = Object.freeze(["PreToolUse", "PostToolUse", "PostToolUseFailure",
  "PostToolBatch", "Notification", "UserPromptSubmit", "UserPromptExpansion", "SessionStart",
  "SessionEnd", "Stop", "StopFailure", "Interrupt", "SubagentStart", "SubagentStop", "PreCompact",
  "PostCompact", "PreModelSwitch", "PostModelSwitch", "PermissionRequest", "PermissionDenied",
  "Setup", "TeammateIdle", "TaskCreated", "TaskCompleted", "Elicitation", "ElicitationResult",
  "ConfigChange", "WorktreeCreate", "WorktreeRemove", "InstructionsLoaded", "CwdChanged",
  "FileChanged", "DirectoryAdded", "MessageDisplay", "PreSkillShellCommand"]);

// The events that can block (agenthost's gate and blocking kinds, docs/hooks.md): an error of
// the evaluation itself answers deny on them. The others answer nothing (allow).
const BLOCKING = new Set(["PreToolUse", "PermissionRequest", "PreSkillShellCommand",
  "UserPromptSubmit", "UserPromptExpansion", "PreCompact", "PreModelSwitch", "ConfigChange",
  "TaskCreated", "Elicitation", "ElicitationResult", "WorktreeCreate"]);
// The events whose hookSpecificOutput has additionalContext (sdk.d.ts).
const CONTEXT = new Set(["Notification", "PostModelSwitch", "PostToolBatch", "PostToolUseFailure",
  "PostToolUse", "PreToolUse", "SessionStart", "Setup", "Stop", "SubagentStart", "SubagentStop",
  "UserPromptExpansion", "UserPromptSubmit"]);
const PERMISSION = new Set(["PreToolUse", "PreSkillShellCommand", "PreModelSwitch"]);

// Event names as agenthost reads them: case and "_" ignored.
const BY_FOLDED = new Map(HOOK_EVENTS.map((e) => [e.toLowerCase(), e]));
const sdkEvent = (name) => BY_FOLDED.get(String(name).replace(/_/g, "").toLowerCase());

function permissionOutput(event, v) {
  const out = { hookEventName: event };
  // PreModelSwitch has no "defer": the hooks abstain, and the SDK's own flow decides.
  if (event === "PreModelSwitch" && v.decision === "defer") return out;
  out.permissionDecision = v.decision;
  out.permissionDecisionReason = v.reason;
  if (event === "PreToolUse" && v.decision === "allow" && v.updated_input) {
    out.updatedInput = v.updated_input;
  }
  return out;
}

function permissionRequestOutput(v) {
  if (v.decision === "allow") {
    const decision = { behavior: "allow" };
    if (v.updated_input) decision.updatedInput = v.updated_input;
    if (v.updated_permissions) decision.updatedPermissions = v.updated_permissions;
    return { hookEventName: "PermissionRequest", decision };
  }
  if (v.decision === "deny") {
    const decision = { behavior: "deny", message: v.reason };
    if (v.interrupt) decision.interrupt = true;
    return { hookEventName: "PermissionRequest", decision };
  }
  return undefined;  // ask, defer: the SDK's own permission flow decides
}

/** The SDK's HookJSONOutput for `event` from an agenthost verdict. */
export function hookOutput(event, v) {
  const out = {};
  if (v.continue === false) {
    out.continue = false;
    if (v.stop_reason) out.stopReason = v.stop_reason;
  }
  if (v.system_message) out.systemMessage = v.system_message;
  if (v.suppress_output) out.suppressOutput = true;
  let specific;
  if (PERMISSION.has(event)) {
    specific = permissionOutput(event, v);
  } else if (event === "PermissionRequest") {
    specific = permissionRequestOutput(v);
  } else if (event === "Elicitation" || event === "ElicitationResult") {
    if (v.decision === "deny") specific = { hookEventName: event, action: "decline" };
  } else if (v.decision === "deny") {
    out.decision = "block";
    out.reason = v.reason;
  }
  const context = (v.additional_context ?? []).join("\n");
  if (context && CONTEXT.has(event)) {
    specific = { ...(specific ?? { hookEventName: event }), additionalContext: context };
  }
  if (specific) out.hookSpecificOutput = specific;
  return out;
}

function callback(policy, event) {
  return async (input, _toolUseID, options) => {
    let verdict;
    try {
      verdict = await policy.evaluate(input, { signal: options?.signal });
    } catch (e) {
      // The evaluation itself failed (bad input, a closed policy): deny where the event blocks.
      if (!BLOCKING.has(event)) return {};
      const message = e instanceof Error ? e.message : String(e);
      verdict = e?.verdict ?? denyVerdict(`agenthost: ${message}`, "internal");
    }
    return hookOutput(event, verdict);
  };
}

/** The SDK's Options['hooks'] for `policy`: one matcher with one callback per event, for the
 * events options.events names (default: those the policy's configuration lists). options.timeout
 * (seconds) is the SDK matcher's timeout. */
export function claudeHooks(policy, options = {}) {
  if (!(policy instanceof HookPolicy)) {
    throw new InvalidArgument("claudeHooks: policy must be an agenthost HookPolicy");
  }
  const names = options.events ?? policy.events;
  const events = [];
  for (const name of names) {
    const event = sdkEvent(name);
    if (event === undefined) {
      if (options.events) throw new InvalidArgument(`claudeHooks: unknown event ${JSON.stringify(name)}`);
      continue;  // a configured name the SDK does not send
    }
    if (!events.includes(event)) events.push(event);
  }
  const hooks = {};
  for (const event of events) {
    const matcher = { hooks: [callback(policy, event)] };
    if (options.timeout !== undefined) matcher.timeout = options.timeout;
    hooks[event] = [matcher];
  }
  return hooks;
}
