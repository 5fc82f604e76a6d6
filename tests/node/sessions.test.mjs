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

test("listings page by cursor; pages built from views equal pages parsed from JSON", () => withStore(async (store) => {
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
  try {
    _setPageMode("views");
    const fromViews = await store.list("sk-list", { pageSize: 5 });
    _setPageMode("json");
    const fromJson = await store.list("sk-list", { pageSize: 5 });
    assert.deepEqual(fromViews, fromJson);
    assert.deepEqual(Object.keys(fromViews), Object.keys(fromJson));
    assert.deepEqual(fromViews.sessions.map((s) => Object.keys(s)),
                     fromJson.sessions.map((s) => Object.keys(s)));
    assert.equal(fromViews.sessions.length, 5);
    assert.notEqual(fromViews.next_cursor, null);
  } finally {
    _setPageMode("json");
  }
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
