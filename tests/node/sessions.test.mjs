// SessionStore against memory:// or the Redis fixture: the calls, owners, listings (both ways of
// building a page: they must give the same objects), errors and closing with calls in flight.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Cache, InvalidArgument, NotFound, SessionStore, Unsupported } from "agenthost";
import { _setPageMode } from "../lib/sessions.js";

import { backendUrl, prefix } from "./support.mjs";

async function withStore(fn) {
  const cache = new Cache(backendUrl());
  const p = prefix();
  const store = new SessionStore(cache, { keyPrefix: `${p}session:`, indexPrefix: `${p}sessions:`,
                                          ttlSeconds: 600 });
  try {
    await fn(store);
  } finally {
    await cache.close();
  }
}

test("create, get, update, delete; another owner's session reads as absent", () => withStore(async (store) => {
  const s = await store.create("claude-sonnet-4", { ownerApiKey: "sk-a", metadata: { task: 1 } });
  assert.deepEqual(Object.keys(s), ["id", "model", "status", "created_at", "updated_at",
    "total_turns", "total_cost_usd", "parent_session_id", "metadata"]);
  assert.equal(s.model, "claude-sonnet-4");
  assert.deepEqual(s.metadata, { task: 1 });
  assert.deepEqual(await store.get(s.id, "sk-a"), s);
  await assert.rejects(store.get(s.id, "sk-b"), (e) => e instanceof NotFound && e.code === 2 &&
                                                       e.status === "not_found");
  const u = await store.update(s.id, "sk-a", { status: "completed", incrementTurns: true,
                                               totalCostUsd: 0.25 });
  assert.equal(u.status, "completed");
  assert.equal(u.total_turns, 1);
  assert.equal(u.total_cost_usd, 0.25);
  await assert.rejects(store.update(s.id, null, { totalTurns: 1, incrementTurns: true }),
                       InvalidArgument);
  await store.delete(s.id);
  await assert.rejects(store.get(s.id), NotFound);
  await assert.rejects(store.delete(s.id), NotFound);
}));

test("bad requests are InvalidArgument; a taken id is a Conflict", () => withStore(async (store) => {
  await assert.rejects(store.create(""), InvalidArgument);
  await assert.rejects(store.create("m", { colour: "red" }), /unknown option "colour"/);
  await assert.rejects(store.update("x", null, { status: "sleeping" }), InvalidArgument);
  await assert.rejects(store.list(null, { pageSize: 1000 }), InvalidArgument);
  await assert.rejects(store.list(null, { cursor: "not-a-cursor" }), InvalidArgument);
  await assert.rejects(store.list(null, { title: "x" }), (e) => e instanceof Unsupported &&
                                                               e.code === 9);
  const s = await store.create("m");
  await assert.rejects(store.create("m", { id: s.id }), (e) => e.status === "conflict");
  await store.delete(s.id);
}));

test("listings page by cursor; the three ways of building a page give the same objects", () => withStore(async (store) => {
  const ids = [];
  for (let i = 0; i < 7; i++) {
    ids.push((await store.create(`model-${i}`, { ownerApiKey: "sk-list",
                                                 metadata: i % 2 ? { i, tags: ["x"] } : undefined })).id);
  }
  await store.create("other", { ownerApiKey: "sk-other" });
  const seen = [];
  for await (const page of store.pages("sk-list", { pageSize: 3 })) {
    assert.equal(page.total, 7);
    seen.push(...page.sessions.map((s) => s.id));
  }
  assert.deepEqual([...seen].sort(), [...ids].sort(), "every session once");
  const created = [];
  // The index's score is created_at in milliseconds: newest first to the millisecond.
  for (const id of seen) created.push((await store.get(id)).created_at.slice(0, 23));
  assert.deepEqual(created, [...created].sort().reverse(), "newest first");
  // Non-ASCII text (UTF-16 offsets), a parent, a cost, null metadata and the last page.
  const parent = await store.create("modèle-😀-ü", { ownerApiKey: "sk-list", metadata: { t: "ä😀" } });
  await store.create("m", { ownerApiKey: "sk-list", parentSessionId: parent.id });
  await store.update(parent.id, null, { totalCostUsd: 1.5 });
  const keysOf = (page) => [Object.keys(page), page.sessions.map((s) => Object.keys(s))];
  for (const query of [{ pageSize: 5 }, { pageSize: 100 }, { pageSize: 4, page: 3 }]) {
    const got = {};
    try {
      for (const mode of ["slices", "json", "views"]) {
        _setPageMode(mode);
        got[mode] = await store.list("sk-list", query);
      }
    } finally {
      _setPageMode("slices");
    }
    assert.deepEqual(got.slices, got.json);
    assert.deepEqual(got.views, got.json);
    assert.deepEqual(keysOf(got.slices), keysOf(got.json));
    assert.deepEqual(keysOf(got.views), keysOf(got.json));
  }
  const all = await store.list("sk-list", { pageSize: 100 });
  assert.equal(all.sessions.length, 9);
  assert.equal(all.next_cursor, null);
  const mine = all.sessions.find((s) => s.id === parent.id);
  assert.equal(mine.model, "modèle-😀-ü");
  assert.equal(mine.total_cost_usd, 1.5);
  assert.deepEqual(mine.metadata, { t: "ä😀" });
  assert.equal(all.sessions.find((s) => s.parent_session_id === parent.id).model, "m");
  assert.notEqual((await store.list("sk-list", { pageSize: 5 })).next_cursor, null);
  assert.ok(await store.reindex() >= 8);
}));

test("closing with calls in flight lets them finish", async () => {
  const cache = new Cache(backendUrl());
  const store = new SessionStore(cache, { keyPrefix: `${prefix()}session:` });
  const creates = Array.from({ length: 100 }, (_, i) => store.create(`m${i}`));
  const closing = cache.close();  // closes the store first, after its calls
  await assert.rejects(store.create("late"), /closed/);
  const made = await Promise.all(creates);
  assert.equal(new Set(made.map((s) => s.id)).size, 100);
  await closing;
  assert.equal(store.closed, true);
});
