// SessionStore: sessions on a Cache (and optionally PostgreSQL, the durable tier), as the
// library's JSON objects. Every call runs on libuv's thread pool and returns a Promise.
import addon from "./binding.js";
import { Cache } from "./cache.js";
import { InvalidArgument } from "./errors.js";
import { Handle, checkKeys, optionalText, text } from "./lifecycle.js";

const OPTIONS = { keyPrefix: "key_prefix", indexPrefix: "index_prefix", ttlSeconds: "ttl_s",
  databaseUrl: "database_url", dbPoolSize: "db_pool_size", dbTable: "db_table",
  dbConnectTimeoutMs: "db_connect_timeout_ms", dbStatementTimeoutMs: "db_statement_timeout_ms",
  dbPoolWaitMs: "db_pool_wait_ms" };
const CREATE = { id: "id", parentSessionId: "parent_session_id", ownerApiKey: "owner_api_key",
  metadata: "metadata" };
const PATCH = { status: "status", totalTurns: "total_turns", incrementTurns: "increment_turns",
  totalCostUsd: "total_cost_usd", metadata: "metadata" };
const QUERY = { status: "status", page: "page", pageSize: "page_size", cursor: "cursor",
  mode: "mode", projectId: "project_id", tags: "tags", title: "title" };

/** The JSON object of the options given (undefined and null left out), in the C ABI's names. */
function renamed(what, options, names) {
  const given = checkKeys(what, options, Object.keys(names));
  const out = {};
  for (const [name, field] of Object.entries(names)) {
    if (given[name] !== undefined && given[name] !== null) out[field] = given[name];
  }
  return out;
}

// How listings become objects (tests/bench/node/ measures the three):
// - "slices" (the default): the pool thread reads the page's views into one text with offsets
//   (src/sessions.cc, PageBlob); here the objects are sliced out of it, with one JSON.parse of
//   the metadata objects;
// - "json": the page's JSON, built on the pool thread, parsed here;
// - "views": the addon makes every object and field through Node-API.
const MODES = { json: 0, views: 1, slices: 2 };
let pageMode = "slices";

/** @internal Selects how listings build their objects (for the benchmark and the tests). */
export function _setPageMode(mode) {
  if (!(mode in MODES)) throw new InvalidArgument("mode: slices, json or views");
  pageMode = mode;
}

/** The page from the addon's [text, ends, numbers] (src/sessions.cc, PageBlob). @internal
 * exported for the benchmark. */
export function _pageFromSlices([text, ends, n]) {
  const count = n[0];
  const corruptCount = n[5];
  const metadata = JSON.parse(text.slice(ends[ends.length - 1]));
  const sessions = new Array(count);
  let pos = 0;
  let k = 0;
  let j = 7;
  for (let i = 0; i < count; i++, j += 3) {
    const id = text.slice(pos, pos = ends[k++]);
    const model = text.slice(pos, pos = ends[k++]);
    const status = text.slice(pos, pos = ends[k++]);
    const createdAt = text.slice(pos, pos = ends[k++]);
    const updatedAt = text.slice(pos, pos = ends[k++]);
    const parent = text.slice(pos, pos = ends[k++]);
    const flags = n[j + 2];
    sessions[i] = { id, model, status, created_at: createdAt, updated_at: updatedAt,
      total_turns: n[j], total_cost_usd: flags & 1 ? n[j + 1] : null,
      parent_session_id: flags & 2 ? parent : null, metadata: metadata[i] };
  }
  const corrupt = new Array(corruptCount);
  for (let i = 0; i < corruptCount; i++) corrupt[i] = text.slice(pos, pos = ends[k++]);
  const cursor = text.slice(pos, pos = ends[k++]);
  return { sessions, total: n[1], page: n[2], page_size: n[3],
           next_cursor: n[6] ? cursor : null, skipped_corrupt: n[4], corrupt_ids: corrupt };
}

export class SessionStore extends Handle {
  #cache;

  constructor(cache, options = undefined) {
    if (!(cache instanceof Cache)) throw new InvalidArgument("cache must be an agenthost Cache");
    const opts = renamed("SessionStore options", options, OPTIONS);
    const json = Object.keys(opts).length > 0 ? JSON.stringify(opts) : null;
    super(addon.storeOpen(cache._h(), json), addon.storeClose);
    this.#cache = cache;
    cache._adopt(this);
  }

  close() {
    const closing = super.close();
    this.#cache._release(this);
    return closing;
  }

  /** A new session; options: id, parentSessionId, ownerApiKey, metadata. */
  async create(model, options = undefined) {
    const request = { model: text("model", model), ...renamed("create options", options, CREATE) };
    const json = JSON.stringify(request);
    return JSON.parse(await this._call((h) => addon.storeCreate(h, json)));
  }

  /** The session; NotFound when absent or another owner's. */
  async get(id, ownerApiKey = null) {
    const i = text("id", id);
    const owner = optionalText("ownerApiKey", ownerApiKey);
    return JSON.parse(await this._call((h) => addon.storeGet(h, i, owner)));
  }

  /** An atomic partial update; returns the updated session. patch: status, totalTurns,
   * incrementTurns, totalCostUsd, metadata. */
  async update(id, ownerApiKey, patch) {
    const i = text("id", id);
    const owner = optionalText("ownerApiKey", ownerApiKey);
    const json = JSON.stringify(renamed("update patch", patch, PATCH));
    return JSON.parse(await this._call((h) => addon.storeUpdate(h, i, owner, json)));
  }

  /** Removes the session and its index entries; NotFound when absent. */
  async delete(id, ownerApiKey = null) {
    const i = text("id", id);
    const owner = optionalText("ownerApiKey", ownerApiKey);
    await this._call((h) => addon.storeDelete(h, i, owner));
  }

  /** One page, newest first: {sessions, total, page, page_size, next_cursor, skipped_corrupt,
   * corrupt_ids}. query: status, page, pageSize, cursor, and the durable tier's filters mode,
   * projectId, tags, title. */
  async list(ownerApiKey = null, query = undefined) {
    const q = renamed("list query", query, QUERY);
    const owner = optionalText("ownerApiKey", ownerApiKey);
    if (owner !== null) q.owner_api_key = owner;
    const json = Object.keys(q).length > 0 ? JSON.stringify(q) : null;
    const mode = pageMode;
    const page = await this._call((h) => addon.storeList(h, json, MODES[mode]));
    if (mode === "slices") return _pageFromSlices(page);
    return mode === "json" ? JSON.parse(page) : page;
  }

  /** Every page of a listing (the filters of list(), without page and cursor), following
   * next_cursor. */
  async *pages(ownerApiKey = null, query = undefined) {
    const { cursor: _c, page: _p, ...filters } = query ?? {};
    let cursor = null;
    do {
      const page = await this.list(ownerApiKey, { ...filters, cursor });
      yield page;
      cursor = page.next_cursor;
    } while (cursor !== null);
  }

  /** Adds every stored record to the indexes; the number indexed. */
  async reindex() {
    return this._call((h) => addon.storeReindex(h));
  }
}
