// Metrics of any of a Cache, a SessionStore and a HookPolicy: the Prometheus text exposition (for
// a /metrics endpoint) or the same families as an object. Rendering reads counters only, so these
// run on the JS thread.
import addon from "./binding.js";
import { Cache } from "./cache.js";
import { InvalidArgument } from "./errors.js";
import { HookPolicy } from "./hooks.js";
import { checkKeys } from "./lifecycle.js";
import { SessionStore } from "./sessions.js";

function handles(objects) {
  const o = checkKeys("metrics", objects, ["cache", "store", "policy"]);
  const pick = (name, cls) => {
    const v = o[name];
    if (v === undefined || v === null) return null;
    if (!(v instanceof cls)) throw new InvalidArgument(`${name} must be an agenthost ${cls.name}`);
    return v._h();
  };
  return [pick("cache", Cache), pick("store", SessionStore), pick("policy", HookPolicy)];
}

/** The Prometheus text exposition format (0.0.4) of the objects given. */
export function prometheusText(objects = {}) {
  return addon.metricsPrometheus(...handles(objects));
}

/** The same families: {family: {type, help, samples: [...]}}. */
export function metrics(objects = {}) {
  return JSON.parse(addon.metricsJson(...handles(objects)));
}
