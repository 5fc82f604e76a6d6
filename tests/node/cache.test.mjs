// Cache against memory:// or the Redis fixture (AGENTHOST_TEST_BACKEND): values, errors, and
// closing with calls in flight.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Cache, InvalidArgument, SessionStore, asyncDispose } from "agenthost";

import { BACKEND, backendUrl, prefix } from "./support.mjs";

test("set, get and delete round-trip strings and binary values", async () => {
  const cache = new Cache(backendUrl());
  const p = prefix();
  try {
    await cache.ping();
    await cache.set(`${p}text`, "héllo", 60);
    assert.deepEqual(await cache.get(`${p}text`), Buffer.from("héllo"));
    const binary = Buffer.from([0, 1, 2, 255, 0, 10]);
    await cache.set(`${p}bin`, new Uint8Array(binary));
    assert.deepEqual(await cache.get(`${p}bin`), binary);
    assert.equal(await cache.get(`${p}absent`), null);
    assert.equal(await cache.delete(`${p}text`), true);
    assert.equal(await cache.delete(`${p}text`), false);
    assert.equal(await cache.get(`${p}text`), null);
    await cache.delete(`${p}bin`);
  } finally {
    await cache.close();
  }
});

test("bad input is an InvalidArgument carrying code and status", async () => {
  const cache = new Cache(backendUrl());
  try {
    await assert.rejects(cache.set("", "x"), (e) => {
      assert.ok(e instanceof InvalidArgument && e instanceof Error);
      assert.equal(e.code, 1);
      assert.equal(e.status, "invalid_argument");
      assert.match(e.message, /key/);
      return true;
    });
    await assert.rejects(cache.set("k", 42), InvalidArgument);
    await assert.rejects(cache.set("k", "v", -1), /ttl/);
  } finally {
    await cache.close();
  }
  assert.throws(() => new Cache("nosuch://x"), (e) => e instanceof InvalidArgument && e.code === 1);
  assert.throws(() => new Cache("memory://", { maxConnections: 0 }), /max_connections/);
  assert.throws(() => new Cache("memory://", { maxConections: 5 }), /unknown option "maxConections"/);
  assert.throws(() => new Cache(null, { maxConnections: 5 }), /take no options; got maxConnections/);
  assert.throws(() => new Cache("memory://", { tlsCaFile: "/nonexistent.pem" }), InvalidArgument);
});

test("a server that is down is a ConnectionError on the first call", async () => {
  const cache = new Cache("redis://127.0.0.1:1", { connectTimeoutMs: 500 });
  try {
    await assert.rejects(cache.ping(), (e) => e.status === "connection" && e.code === 5);
  } finally {
    await cache.close();
  }
});

test("close waits for the calls in flight, then refuses new ones", async () => {
  const cache = new Cache(backendUrl());
  const p = prefix();
  const calls = [];
  for (let i = 0; i < 200; i++) calls.push(cache.set(`${p}${i}`, String(i), 60));
  const closing = cache.close();
  assert.equal(cache.closed, true);
  await assert.rejects(cache.get(`${p}0`), /closed/);
  const results = await Promise.allSettled(calls);
  assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
  await closing;
  assert.equal(cache.close(), closing, "closing twice returns the same Promise");
  if (BACKEND === "memory") return;  // a memory:// client's data ends with it
  const again = new Cache(backendUrl());
  try {
    assert.equal(String(await again.get(`${p}199`)), "199");
    for (let i = 0; i < 200; i++) await again.delete(`${p}${i}`);
  } finally {
    await again.close();
  }
});

test("Symbol.asyncDispose (or Node's nodejs.asyncDispose) closes; closing a cache closes its stores", async () => {
  const expected = Symbol.asyncDispose ?? Symbol.for("nodejs.asyncDispose");
  assert.equal(asyncDispose, expected);
  const cache = new Cache(backendUrl());
  assert.equal(typeof cache[expected], "function");
  const store = new SessionStore(cache);
  await cache[expected]();
  assert.equal(cache.closed, true);
  assert.equal(store.closed, true);
  await assert.rejects(store.list(), InvalidArgument);
  assert.throws(() => new SessionStore(cache), /closed/);
});
