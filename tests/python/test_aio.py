#!/usr/bin/python3
"""Tests of agenthost.aio (installed package) against memory:// or the Redis fixture and a real
local webhook server (tests/support/webhook_server.py, started on a free port and
stopped by PID). Never asserts tight timing: the stall check asserts the ticker kept ticking."""

import asyncio
import time
import unittest
import uuid

import agenthost
from agenthost import aio
from fixtures import WebhookServer, backend_url







def pre_tool_use(n=0):
    return {"hook_event_name": "PreToolUse", "session_id": "s%d" % n, "tool_name": "Bash",
            "tool_input": {"command": "ls"}}


class AioTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = WebhookServer().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__()

    def policy(self, path, timeout_ms=10000):
        return aio.HookPolicy({"PreToolUse": {"url": self.server.url(path),
                                              "timeout_ms": timeout_ms}},
                              allow_private_networks=True)

    def test_evaluate_gets_the_servers_decisions(self):
        async def main():
            async with self.policy("/deny") as deny, self.policy("/allow") as allow:
                return await asyncio.gather(deny.evaluate(pre_tool_use()),
                                            allow.evaluate(pre_tool_use()))
        d, a = asyncio.run(main())
        self.assertEqual((d.decision, d.failed, d.reason), ("deny", False, "server says deny"))
        self.assertEqual((a.decision, a.allowed), ("allow", True))

    def test_bad_input_raises_with_a_deny_verdict(self):
        async def main():
            async with self.policy("/allow") as p:
                await p.evaluate("[1]")
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            asyncio.run(main())
        self.assertEqual(ctx.exception.verdict.decision, "deny")

    def test_the_loop_keeps_ticking_while_100_slow_evaluations_are_in_flight(self):
        async def main():
            ticks, gaps = [], []

            async def ticker(stop):
                last = time.monotonic()
                while not stop.is_set():
                    await asyncio.sleep(0.01)
                    now = time.monotonic()
                    ticks.append(now)
                    gaps.append(now - last)
                    last = now

            stop = asyncio.Event()
            task = asyncio.create_task(ticker(stop))
            async with self.policy("/slow?ms=2000") as p:
                start = time.monotonic()
                verdicts = await asyncio.gather(*(p.evaluate(pre_tool_use(i))
                                                  for i in range(100)))
                elapsed = time.monotonic() - start
            stop.set()
            await task
            return verdicts, ticks, gaps, elapsed
        verdicts, ticks, gaps, elapsed = asyncio.run(main())
        self.assertTrue(all(v.decision == "allow" and not v.failed for v in verdicts),
                        [v for v in verdicts if v.failed][:1])
        self.assertGreaterEqual(elapsed, 1.9)
        self.assertGreaterEqual(len(ticks), 0.5 * elapsed / 0.01)  # the loop was not blocked
        self.assertLess(max(gaps), 0.5)

    def test_cancelling_the_awaiting_task_cancels_the_evaluation(self):
        async def main():
            async with self.policy("/slow?ms=5000") as p:
                task = asyncio.create_task(p.evaluate(pre_tool_use()))
                await asyncio.sleep(0.2)
                task.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await task
                return await p.evaluate(pre_tool_use())  # the policy still works
        start = time.monotonic()
        v = asyncio.run(main())
        self.assertEqual(v.decision, "allow")
        self.assertLess(time.monotonic() - start, 30)

    def test_closing_a_policy_settles_the_evaluations_in_flight(self):
        async def main():
            p = self.policy("/slow?ms=5000")
            futures = [asyncio.ensure_future(p.evaluate(pre_tool_use(i))) for i in range(20)]
            await asyncio.sleep(0.2)
            p.close()
            return await asyncio.wait_for(asyncio.gather(*futures), 10)
        verdicts = asyncio.run(main())
        self.assertEqual(len(verdicts), 20)
        for v in verdicts:
            self.assertEqual((v.decision, v.failed, v.error), ("deny", True, "cancelled"))

    def test_every_aio_class_has_the_one_lifecycle(self):
        async def main():
            cache = aio.Cache(backend_url(), max_workers=2)
            store = aio.SessionStore(cache)
            policy = self.policy("/allow")
            for obj in (store, policy, cache):
                self.assertIsInstance(obj, aio.AsyncLifecycle)
                async with obj as entered:
                    self.assertIs(entered, obj)
                    self.assertFalse(obj.closed)
                self.assertTrue(obj.closed)
                await obj.aclose()  # closing again is harmless
                obj.close()
            with self.assertRaises(agenthost.InvalidArgument):
                await cache.ping()
            with self.assertRaises(agenthost.InvalidArgument):
                await policy.evaluate(pre_tool_use())
            reopened = aio.Cache(backend_url())
            await reopened.aclose()  # the shared executor survives another object's close
            async with aio.Cache(backend_url()) as again:
                await again.ping()
        asyncio.run(main())

    def test_cache_and_sessions_are_awaitable(self):
        prefix = "pyaio-%s:" % uuid.uuid4().hex[:12]

        async def main():
            async with aio.Cache(backend_url(), max_workers=4) as cache:
                await cache.ping()
                await cache.set(prefix + "k", b"v", ttl=60)
                got = await cache.get(prefix + "k")
                removed = await cache.delete(prefix + "k")
                async with aio.SessionStore(cache, key_prefix=prefix + "session:",
                                            index_prefix=prefix + "sessions:") as store:
                    made = await asyncio.gather(*(store.create("m", owner_api_key="sk-a")
                                                  for _ in range(5)))
                    page = await store.list("sk-a", page_size=100)
                    updated = await store.update(made[0]["id"], "sk-a", increment_turns=True)
                    await store.delete(made[1]["id"])
                    with self.assertRaises(agenthost.NotFound):
                        await store.get(made[1]["id"])
                return got, removed, page, updated
        got, removed, page, updated = asyncio.run(main())
        self.assertEqual((got, removed), (b"v", True))
        self.assertEqual(page["total"], 5)
        self.assertEqual(updated["total_turns"], 1)


if __name__ == "__main__":
    unittest.main()
