// HookPolicy: evaluate() runs on the library's own event loop (one libcurl multi handle for
// every evaluation in flight; no thread per call) and settles its Promise on the JS thread
// through a thread-safe function. An AbortSignal cancels: the Promise then settles with the
// cancelled verdict (deny, failed, error "cancelled"). Hook failures are verdicts, not errors.
import addon from "./binding.js";
import { InvalidArgument } from "./errors.js";
import { Handle, checkKeys, uint32 } from "./lifecycle.js";

const KNOWN = ["allowPrivateNetworks", "maxResponseBytes", "breakerFailureThreshold",
  "breakerCooldownMs"];
const NUMBERS = { maxResponseBytes: "max_response_bytes",
  breakerFailureThreshold: "breaker_failure_threshold", breakerCooldownMs: "breaker_cooldown_ms" };

/** A deny verdict for a failure outside the library (the library's own are in its JSON). */
export function denyVerdict(reason, error) {
  return { decision: "deny", reason, failed: true, error, updated_input: null,
    updated_permissions: null, continue: true, stop_reason: null, additional_context: [],
    system_message: null, suppress_output: false, interrupt: false, hooks: [] };
}

function parseVerdict(json) {
  try {
    const v = JSON.parse(json);
    if (v !== null && typeof v === "object" && typeof v.decision === "string") return v;
  } catch {
    // below: a verdict that does not read back fails closed
  }
  return denyVerdict("the verdict could not be read", "internal");
}

/** The event names of a configuration: agenthost's format (event -> hooks) or Claude Code's
 * settings file ({"hooks": {event: [...]}}). */
function configEvents(config) {
  const hooks = config !== null && typeof config === "object" && !Array.isArray(config) &&
      config.hooks !== null && typeof config.hooks === "object" && !Array.isArray(config.hooks)
      ? config.hooks : config;
  return hooks !== null && typeof hooks === "object" ? Object.keys(hooks) : [];
}

export class HookPolicy extends Handle {
  #events;

  /** config: an object or JSON text (docs/hooks.md). options: allowPrivateNetworks (webhooks
   * on loopback and private addresses; off by default), maxResponseBytes,
   * breakerFailureThreshold, breakerCooldownMs. */
  constructor(config, options = undefined) {
    const opts = checkKeys("HookPolicy options", options, KNOWN);
    let json;
    let parsed;
    if (typeof config === "string") {
      json = config;
      try { parsed = JSON.parse(config); } catch { parsed = null; } // the library names the error
    } else if (config !== null && typeof config === "object") {
      json = JSON.stringify(config);
      parsed = config;
    } else {
      throw new InvalidArgument("config must be an object or JSON text");
    }
    const c = {};
    if (opts.allowPrivateNetworks !== undefined) {
      if (typeof opts.allowPrivateNetworks !== "boolean") {
        throw new InvalidArgument("allowPrivateNetworks must be true or false");
      }
      c.allow_private_networks = opts.allowPrivateNetworks;
    }
    for (const [name, field] of Object.entries(NUMBERS)) {
      if (opts[name] !== undefined) c[field] = uint32(name, opts[name]);
    }
    super(addon.policyCreate(json, c), addon.policyFree);
    this.#events = Object.freeze(configEvents(parsed));
  }

  /** The event names the configuration lists, as spelled there. */
  get events() {
    return this.#events;
  }

  _waitsForCalls() {
    return false;  // freeing the policy cancels them: their Promises settle with a deny
  }

  /** The verdict for a hook input (an object, or JSON text or bytes). options.signal cancels.
   * Input the library refuses rejects with InvalidArgument, whose `verdict` is a deny. */
  async evaluate(input, options = undefined) {
    const signal = options?.signal;
    let data;
    if (typeof input === "string" || input instanceof Uint8Array) {
      data = typeof input === "string" || Buffer.isBuffer(input)
          ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    } else if (input !== null && typeof input === "object") {
      data = JSON.stringify(input);
    } else {
      const e = new InvalidArgument("hook input must be an object, a string or bytes");
      e.verdict = denyVerdict(e.message, "invalid_input");
      throw e;
    }
    const h = this._h();
    let started;
    try {
      started = addon.policyEvaluate(h, data);
    } catch (e) {
      if (e instanceof Error) e.verdict = denyVerdict(e.message, "invalid_input");
      throw e;
    }
    const [promise, ticket] = started;
    if (signal === undefined || signal === null) return parseVerdict(await promise);
    const abort = () => { if (!this.closed) addon.policyCancel(h, ticket); };
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    try {
      return parseVerdict(await promise);
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }
}
