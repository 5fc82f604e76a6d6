// Cache: a thread-safe client for redis://, rediss://, redis+cluster://, rediss+cluster://,
// unix:// or memory://. Every command runs on libuv's thread pool and returns a Promise.
import addon from "./binding.js";
import { InvalidArgument } from "./errors.js";
import { Handle, checkKeys, text, uint32 } from "./lifecycle.js";

const NUMBERS = { maxConnections: "max_connections", connectTimeoutMs: "connect_timeout_ms",
  socketTimeoutMs: "socket_timeout_ms", poolWaitTimeoutMs: "pool_wait_timeout_ms" };
const TEXTS = { tlsCaFile: "tls_ca_file", tlsCaDir: "tls_ca_dir", tlsCertFile: "tls_cert_file",
  tlsKeyFile: "tls_key_file", tlsServerName: "tls_server_name" };
const KNOWN = [...Object.keys(NUMBERS), ...Object.keys(TEXTS), "tlsInsecureSkipVerify"];

function cOptions(options) {
  const out = {};
  for (const [name, field] of Object.entries(NUMBERS)) {
    if (options[name] !== undefined) out[field] = uint32(name, options[name]);
  }
  for (const [name, field] of Object.entries(TEXTS)) {
    if (options[name] !== undefined) out[field] = text(name, options[name]);
  }
  const insecure = options.tlsInsecureSkipVerify;
  if (insecure !== undefined && typeof insecure !== "boolean") {
    throw new InvalidArgument("tlsInsecureSkipVerify must be true or false");
  }
  if (insecure) out.tls_insecure_skip_verify = true;
  return out;
}

export class Cache extends Handle {
  /** @type {Set<Handle>} */
  #stores = new Set();

  constructor(url = null, options = undefined) {
    const opts = checkKeys("Cache options", options, KNOWN);
    let handle;
    if (url === null || url === undefined) {
      const given = Object.keys(opts).filter((k) => opts[k] !== undefined);
      if (given.length > 0) {
        throw new InvalidArgument("a Cache without a URL opens from REDIS_URL and the REDIS_* " +
                                  `variables, which take no options; got ${given.join(", ")}`);
      }
      handle = addon.cacheOpen(null);
    } else {
      handle = addon.cacheOpen(text("url", url), cOptions(opts));
    }
    super(handle, addon.cacheClose);
  }

  /** @internal a store opened on this cache: closed before it. */
  _adopt(store) {
    this._h();
    this.#stores.add(store);
  }

  /** @internal */
  _release(store) {
    this.#stores.delete(store);
  }

  async _closeDependents() {
    await Promise.all([...this.#stores].map((s) => s.close()));
  }

  async ping() {
    return this._call((h) => addon.cachePing(h));
  }

  /** The value as a Buffer, or null when the key is absent. */
  async get(key) {
    const k = text("key", key);
    return this._call((h) => addon.cacheGet(h, k));
  }

  /** Stores value (a string as UTF-8, a Buffer or Uint8Array as it is); ttl in seconds, 0 = no
   * expiry. */
  async set(key, value, ttl = 0) {
    const k = text("key", key);
    let v;
    if (typeof value === "string") {
      v = value;
    } else if (value instanceof Uint8Array) {
      v = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    } else {
      throw new InvalidArgument("value must be a string, Buffer or Uint8Array");
    }
    const t = uint32("ttl", ttl);
    return this._call((h) => addon.cacheSet(h, k, v, t));
  }

  /** true when the key existed. */
  async delete(key) {
    const k = text("key", key);
    return this._call((h) => addon.cacheDel(h, k));
  }
}
