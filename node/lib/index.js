// agenthost for Node: Cache, SessionStore, HookPolicy, metrics and the errors, over the C ABI.
import addon, { VERSION } from "./binding.js";

export { Cache } from "./cache.js";
export { SessionStore } from "./sessions.js";
export { HookPolicy } from "./hooks.js";
export * as metrics from "./metrics.js";
export {
  AgenthostError, InvalidArgument, NotFound, Conflict, Timeout, ConnectionError, PoolExhausted,
  ProtocolError, Corrupt, Unsupported, InternalError,
} from "./errors.js";
export { asyncDispose } from "./lifecycle.js";

/** The package's version, which is its libagenthost_c's. */
export const version = VERSION;
/** The loaded library's version. */
export const libraryVersion = addon.version();
