#!/usr/bin/python3
"""agenthost.events: the library's internal events delivered to a Python callback, from the
calling thread and from a HookPolicy's loop thread, against memory:// or the Redis fixture
(AGENTHOST_TEST_BACKEND), a port nothing listens on, and a webhook that is down. Only events
whose subject belongs to the test are looked at."""

import asyncio
import threading
import unittest
import uuid

import agenthost
from agenthost import aio
from agenthost.events import Event, EventKind
from fixtures import backend_url, free_port







def pre_tool_use():
    return {"hook_event_name": "PreToolUse", "session_id": "s1", "tool_name": "Bash",
            "tool_input": {"command": "ls"}}


class Recorder:
    def __init__(self):
        self.events = []
        self.threads = []
        self.lock = threading.Lock()

    def __call__(self, event):
        with self.lock:
            self.events.append(event)
            self.threads.append(threading.current_thread().name)

    def about(self, subject):
        with self.lock:
            return [e for e in self.events if e.subject == subject]


class EventTest(unittest.TestCase):
    def setUp(self):
        self.recorder = Recorder()
        agenthost.set_event_callback(self.recorder)
        self.addCleanup(agenthost.set_event_callback, None)

    def test_a_corrupt_record_is_an_event_naming_the_session(self):
        prefix = "pyevents-%s:" % uuid.uuid4().hex[:12]
        with agenthost.Cache(backend_url()) as cache, agenthost.SessionStore(
                cache, key_prefix=prefix + "session:", index_prefix=prefix + "sessions:") as store:
            made = store.create("m")
            cache.set(prefix + "session:" + made["id"], b"{not json", ttl=60)
            with self.assertRaises(agenthost.Corrupt):
                store.get(made["id"])
        got = self.recorder.about(made["id"])
        self.assertEqual(len(got), 1, self.recorder.events)
        self.assertIsInstance(got[0], Event)
        self.assertEqual((got[0].kind, got[0].kind_name),
                         (EventKind.SESSION_CORRUPT_RECORD, "session_corrupt_record"))
        self.assertTrue(got[0].detail)

    def test_a_failed_redis_connection_is_an_event_naming_the_endpoint(self):
        port = free_port()  # nothing listens there
        with agenthost.Cache("redis://127.0.0.1:%d/0" % port, connect_timeout_ms=2000) as cache:
            with self.assertRaises(agenthost.ConnectionError):
                cache.ping()
        got = self.recorder.about("127.0.0.1:%d" % port)
        self.assertTrue(got, self.recorder.events)
        self.assertEqual({e.kind for e in got}, {EventKind.REDIS_CONNECT_FAILED})

    def test_a_circuit_opening_on_the_policys_loop_thread_is_delivered(self):
        down = "http://127.0.0.1:%d/hook" % free_port()

        async def main():
            async with aio.HookPolicy({"PreToolUse": {"url": down, "timeout_ms": 2000}},
                                      allow_private_networks=True,
                                      breaker_failure_threshold=1) as policy:
                return await policy.evaluate(pre_tool_use())
        verdict = asyncio.run(main())
        self.assertEqual((verdict.decision, verdict.failed), ("deny", True))
        got = [e for e in self.recorder.about("PreToolUse[0]")
               if e.kind == EventKind.HOOK_CIRCUIT_OPENED]
        self.assertEqual(len(got), 1, self.recorder.events)
        self.assertNotIn(threading.main_thread().name,
                         [t for e, t in zip(self.recorder.events, self.recorder.threads)
                          if e in got])

    def test_a_raising_callback_is_logged_and_the_call_goes_on(self):
        def broken(event):
            raise RuntimeError("callback bug")
        agenthost.set_event_callback(broken)
        port = free_port()
        with self.assertLogs("agenthost.events", "ERROR") as logs:
            with agenthost.Cache("redis://127.0.0.1:%d/0" % port) as cache:
                with self.assertRaises(agenthost.ConnectionError):  # the call's own error
                    cache.ping()
        self.assertIn("callback bug", "\n".join(logs.output))

    def test_setting_the_callback_from_inside_it_is_refused(self):
        errors = []

        def resetting(event):
            try:
                agenthost.set_event_callback(None)
            except agenthost.InvalidArgument as e:
                errors.append(e)
        agenthost.set_event_callback(resetting)
        with agenthost.Cache("redis://127.0.0.1:%d/0" % free_port()) as cache:
            with self.assertRaises(agenthost.ConnectionError):
                cache.ping()
        self.assertTrue(errors)
        self.assertIn("inside the event callback", str(errors[0]))

    def test_removing_the_callback_stops_delivery(self):
        agenthost.set_event_callback(None)
        port = free_port()
        with agenthost.Cache("redis://127.0.0.1:%d/0" % port) as cache:
            with self.assertRaises(agenthost.ConnectionError):
                cache.ping()
        self.assertEqual(self.recorder.events, [])
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.set_event_callback("not callable")


if __name__ == "__main__":
    unittest.main()
