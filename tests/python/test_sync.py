#!/usr/bin/python3
"""Tests of the agenthost package (sync API, installed in a venv) against the built libagenthost_c.

Environment: AGENTHOST_C_LIBRARY (the library under test), AGENTHOST_TEST_BACKEND (memory or
redis; redis reads the shared fixture's URL from the file in AGENTHOST_TEST_REDIS_URL_FILE).
Keys go under a unique prefix per test, so runs in parallel on one Redis do not meet.
"""

import base64
import http.server
import json
import os
import re
import sys
import threading
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples", "policy_server"))
import agenthost  # noqa: E402
import policy_server  # noqa: E402
from fixtures import backend_url, free_port  # noqa: E402







def unique_prefix():
    return "pybind-%s:" % uuid.uuid4().hex[:12]


class FreeCounter:
    """Counts agenthost_free calls, to prove every returned buffer is released."""

    def __init__(self):
        self.lib = agenthost.load()
        self.real = self.lib.agenthost_free
        self.count = 0

    def __enter__(self):
        def counting(ptr):
            self.count += 1
            self.real(ptr)
        self.lib.agenthost_free = counting
        return self

    def __exit__(self, *exc):
        self.lib.agenthost_free = self.real


class BindingTest(unittest.TestCase):
    def setUp(self):
        self.prefix = unique_prefix()
        self.cache = agenthost.Cache(backend_url())
        self.addCleanup(self.cache.close)


class CacheTest(BindingTest):
    def test_version_is_the_libraries(self):
        self.assertRegex(agenthost.version(), r"^\d+\.\d+\.\d+$")

    def test_set_get_delete_binary_values(self):
        key = self.prefix + "k"
        self.cache.ping()
        self.assertIsNone(self.cache.get(key))
        self.cache.set(key, b"a\x00b\xff", ttl=60)
        self.assertEqual(self.cache.get(key), b"a\x00b\xff")
        self.cache.set(key, "h\u00e9llo")
        self.assertEqual(self.cache.get(key), "h\u00e9llo".encode())
        self.assertTrue(self.cache.delete(key))
        self.assertFalse(self.cache.delete(key))
        self.assertIsNone(self.cache.get(key))

    def test_get_frees_the_returned_buffer(self):
        key = self.prefix + "k"
        self.cache.set(key, b"v")
        with FreeCounter() as frees:
            for _ in range(3):
                self.cache.get(key)
            self.cache.get(self.prefix + "absent")  # nothing returned, nothing to free
        self.assertEqual(frees.count, 3)

    def test_errors_carry_the_status(self):
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            self.cache.set("", b"v")
        self.assertEqual(ctx.exception.code, 1)
        self.assertEqual(ctx.exception.status, "invalid_argument")
        self.assertIsInstance(ctx.exception, ValueError)
        self.assertIn("key", str(ctx.exception))
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.Cache("bogus://host")
        with agenthost.Cache("rediss://127.0.0.1:1/0", connect_timeout_ms=200) as tls:
            with self.assertRaises(agenthost.ConnectionError) as ctx:
                tls.ping()  # nothing listens on port 1
            self.assertIsInstance(ctx.exception, ConnectionError)
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.Cache("memory://", max_connections=0)
        with self.assertRaises(agenthost.InvalidArgument):
            self.cache.set(self.prefix + "k", b"v", ttl=-1)

    def test_an_unreachable_redis_is_a_connection_error(self):
        cache = agenthost.Cache("redis://127.0.0.1:%d/0" % free_port(), connect_timeout_ms=2000,
                                socket_timeout_ms=2000)
        with cache, self.assertRaises(agenthost.ConnectionError) as ctx:
            cache.ping()
        self.assertEqual(ctx.exception.code, 5)
        self.assertIsInstance(ctx.exception, agenthost.AgenthostError)

    def test_a_closed_cache_refuses_calls(self):
        with agenthost.Cache("memory://") as cache:
            cache.ping()
        with self.assertRaises(agenthost.InvalidArgument):
            cache.ping()
        cache.close()  # idempotent


class SessionTest(BindingTest):
    def setUp(self):
        super().setUp()
        self.store = agenthost.SessionStore(self.cache, key_prefix=self.prefix + "session:",
                                            index_prefix=self.prefix + "sessions:", ttl_s=600)
        self.addCleanup(self.store.close)

    def test_create_get_update_delete(self):
        s = self.store.create("claude-sonnet-4", owner_api_key="sk-a", metadata={"n": 1})
        self.assertEqual(s["model"], "claude-sonnet-4")
        self.assertEqual(s["status"], "active")
        self.assertEqual(s["metadata"], {"n": 1})
        self.assertNotIn("owner_api_key", s)
        self.assertEqual(self.store.get(s["id"], "sk-a")["id"], s["id"])
        self.assertEqual(self.store.get(s["id"])["id"], s["id"])
        u = self.store.update(s["id"], "sk-a", status="completed", increment_turns=True,
                              total_cost_usd=0.25)
        self.assertEqual((u["status"], u["total_turns"], u["total_cost_usd"]),
                         ("completed", 1, 0.25))
        self.assertEqual(self.store.update(s["id"], total_turns=7)["total_turns"], 7)
        self.store.delete(s["id"], "sk-a")
        with self.assertRaises(agenthost.NotFound):
            self.store.get(s["id"])
        with self.assertRaises(agenthost.NotFound):
            self.store.delete(s["id"])

    def test_another_owners_session_reads_as_absent(self):
        s = self.store.create("m", owner_api_key="sk-a")
        for call in (lambda: self.store.get(s["id"], "sk-b"),
                     lambda: self.store.update(s["id"], "sk-b", increment_turns=True),
                     lambda: self.store.delete(s["id"], "sk-b")):
            with self.assertRaises(agenthost.NotFound) as ctx:
                call()
            self.assertEqual(ctx.exception.code, 2)
            self.assertIsInstance(ctx.exception, LookupError)
            self.assertNotIn("sk-a", str(ctx.exception))
        self.assertEqual(self.store.get(s["id"], "sk-a")["total_turns"], 0)

    def test_conflict_and_invalid_input(self):
        sid = str(uuid.uuid4())
        self.store.create("m", id=sid)
        with self.assertRaises(agenthost.Conflict) as ctx:
            self.store.create("m", id=sid)
        self.assertEqual(ctx.exception.code, 3)
        with self.assertRaises(agenthost.InvalidArgument):
            self.store.create("")
        with self.assertRaises(agenthost.InvalidArgument):
            self.store.update(sid, status="paused")
        with self.assertRaises(agenthost.InvalidArgument):
            self.store.list(page_size=0)
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.SessionStore(self.cache, ttl_s=5)
        # json.dumps writes the keys 1 and "1" of one dict as two "1" keys: refused, not stored.
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            self.store.create("m", metadata={1: "a", "1": "b"})
        self.assertIn('the key "metadata.1" appears twice', str(ctx.exception))

    def test_lists_one_owner_page_by_page_newest_first(self):
        created = [self.store.create("m", owner_api_key="sk-a")["id"] for _ in range(7)]
        self.store.create("m", owner_api_key="sk-b")
        pages = list(self.store.pages("sk-a", page_size=3))
        self.assertEqual([len(p["sessions"]) for p in pages], [3, 3, 1])
        self.assertTrue(all(p["total"] == 7 for p in pages))
        listed = [s["id"] for p in pages for s in p["sessions"]]
        self.assertEqual(sorted(listed), sorted(created))
        times = [s["created_at"] for p in pages for s in p["sessions"]]
        # The index orders by milliseconds: newest first at that resolution.
        self.assertEqual([t[:23] for t in times], sorted((t[:23] for t in times), reverse=True))
        self.assertIsNone(pages[-1]["next_cursor"])
        second = self.store.list("sk-a", page=2, page_size=3)
        self.assertEqual([s["id"] for s in second["sessions"]], listed[3:6])
        self.store.update(created[0], status="completed")
        done = self.store.list("sk-a", status="completed")
        self.assertEqual([s["id"] for s in done["sessions"]], [created[0]])

    def test_pages_are_built_in_c_and_equal_the_pages_json(self):
        # The suite's package is built with the _pages extension: the fast path is what runs.
        self.assertTrue(agenthost.sessions.fast_pages())
        parent = self.store.create("m\u00e9\u0000\u4e2d", owner_api_key="sk-a",
                                   metadata={"title": "a \"b\"\n", "tags": ["x", 1], "n": 1.5,
                                             "deep": {"l": [None, True, {}]}})
        self.store.create("m", owner_api_key="sk-a", parent_session_id=parent["id"])
        costly = self.store.create("m", owner_api_key="sk-a")
        self.store.update(costly["id"], total_cost_usd=0.1, total_turns=2 ** 40,
                          status="completed")
        corrupt = self.store.create("m", owner_api_key="sk-a")
        self.cache.set(self.prefix + "session:" + corrupt["id"], b"{not json", ttl=600)
        for query in ({"page_size": 2}, {}, {"page_size": 100}, {"status": "completed"},
                      {"page": 2, "page_size": 2}):
            fast = self.store.list("sk-a", **query)
            agenthost.sessions._pages_bound = False  # the JSON path, as without the extension
            try:
                slow = self.store.list("sk-a", **query)
            finally:
                agenthost.sessions._pages_bound = None
            self.assertEqual(json.dumps(fast), json.dumps(slow), query)  # values, types, order
        page = self.store.list("sk-a", page_size=100)
        self.assertEqual(page["corrupt_ids"], [corrupt["id"]])
        self.assertEqual(page["skipped_corrupt"], 1)
        by_id = {s["id"]: s for s in page["sessions"]}
        self.assertEqual(by_id[parent["id"]]["model"], "m\u00e9\u0000\u4e2d")
        self.assertEqual(by_id[parent["id"]]["metadata"]["deep"], {"l": [None, True, {}]})
        self.assertEqual(by_id[costly["id"]]["total_turns"], 2 ** 40)
        self.assertIsInstance(by_id[costly["id"]]["total_cost_usd"], float)

    def test_reindex_counts_the_records(self):
        for _ in range(3):
            self.store.create("m", owner_api_key="sk-a")
        self.assertEqual(self.store.reindex(), 3)

    def test_every_returned_session_is_freed(self):
        with FreeCounter() as frees:
            s = self.store.create("m")
            self.store.get(s["id"])
            self.store.update(s["id"], increment_turns=True)
            with self.assertRaises(agenthost.NotFound):
                self.store.get(str(uuid.uuid4()))
        self.assertEqual(frees.count, 3)

    def test_threads_share_a_store_and_get_their_own_errors(self):
        failures = []

        def worker(n):
            try:
                for i in range(10):
                    s = self.store.create("m", owner_api_key="sk-thread-%d" % n)
                    self.store.update(s["id"], increment_turns=True)
                    missing = "missing-%d-%d" % (n, i)
                    try:
                        self.store.get(missing)
                        failures.append("%s was found" % missing)
                    except agenthost.NotFound as e:
                        if missing not in str(e):  # the message is this thread's last error
                            failures.append("%s: %s" % (missing, e))
            except Exception as e:  # reported below, not lost in the thread
                failures.append(repr(e))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertFalse(any(t.is_alive() for t in threads))
        self.assertEqual(failures, [])
        for n in range(8):
            page = self.store.list("sk-thread-%d" % n, page_size=100)
            self.assertEqual(page["total"], 10)
            self.assertTrue(all(s["total_turns"] == 1 for s in page["sessions"]))

    def test_closing_the_cache_closes_its_stores_first(self):
        cache = agenthost.Cache("memory://")
        store = agenthost.SessionStore(cache)
        store.create("m")
        cache.close()
        with self.assertRaises(agenthost.InvalidArgument):
            store.create("m")


class PolicyServerThread:
    """The sample policy server, in-process, on a free 127.0.0.1 port."""

    def __init__(self, secret):
        self.server = policy_server.PolicyServer(("127.0.0.1", 0),
                                                 policy_server.secret_key(secret), 300, True)
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def pre_tool_use(tool, **tool_input):
    return {"hook_event_name": "PreToolUse", "session_id": "s1", "tool_name": tool,
            "tool_input": tool_input}


class HookTest(unittest.TestCase):
    SECRET = "whsec_" + base64.b64encode(os.urandom(32)).decode()

    def policy(self, url, secret=None, **options):
        hook = {"url": url, "timeout_ms": 5000}
        if secret:
            hook["secret"] = secret
        policy = agenthost.HookPolicy({"PreToolUse": hook}, **options)
        self.addCleanup(policy.close)
        return policy

    def test_signed_requests_get_the_policy_servers_decisions(self):
        with PolicyServerThread(self.SECRET) as server:
            policy = self.policy(server.url, self.SECRET, allow_private_networks=True)
            deny = policy.evaluate(pre_tool_use("Bash", command="rm -rf /"))
            allow = policy.evaluate(json.dumps(pre_tool_use("Read", file_path="README.md")))
        self.assertEqual((deny.decision, deny.failed), ("deny", False))
        self.assertIn("filesystem", deny.reason)
        self.assertEqual((allow.decision, allow.failed, allow.allowed), ("allow", False, True))
        self.assertEqual(allow.hooks[0]["status"], 200)
        self.assertEqual(allow.hooks[0]["url"], server.url)

    def test_a_wrong_secret_is_refused_and_fails_closed(self):
        other = "whsec_" + base64.b64encode(os.urandom(32)).decode()
        with PolicyServerThread(self.SECRET) as server:
            policy = self.policy(server.url, other, allow_private_networks=True)
            v = policy.evaluate(pre_tool_use("Read", file_path="README.md"))
        self.assertEqual((v.decision, v.failed, v.error), ("deny", True, "http_status"))
        self.assertEqual(v.hooks[0]["status"], 401)
        self.assertNotIn(other, repr(v.__dict__))

    def test_loopback_is_refused_unless_allowed(self):
        with PolicyServerThread(self.SECRET) as server:
            v = self.policy(server.url, self.SECRET).evaluate(pre_tool_use("Bash", command="ls"))
        self.assertEqual((v.decision, v.failed, v.error), ("deny", True, "blocked_address"))

    def test_a_server_that_is_down_fails_closed(self):
        url = "http://127.0.0.1:%d/hook" % free_port()
        v = self.policy(url, allow_private_networks=True).evaluate(
            pre_tool_use("Bash", command="ls"))
        self.assertEqual((v.decision, v.failed), ("deny", True))
        self.assertIn(url, v.reason)

    def test_updated_input_and_no_matching_hook(self):
        reply = {"decision": "allow", "reason": "rewritten",
                 "modified_input": {"command": "ls -la"}}
        with ReplyServer(reply) as url:
            policy = agenthost.HookPolicy(
                {"PreToolUse": {"url": url, "matcher": "Bash"}}, allow_private_networks=True)
            with policy:
                v = policy.evaluate(pre_tool_use("Bash", command="ls"))
                none = policy.evaluate(pre_tool_use("Read", file_path="x"))
        self.assertEqual((v.decision, v.reason, v.updated_input),
                         ("allow", "rewritten", {"command": "ls -la"}))
        self.assertEqual((none.decision, none.reason, none.hooks), ("allow", "no hook matched", []))

    def test_bad_config_and_bad_input(self):
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            agenthost.HookPolicy({"PreToolUse": {"url": "http://x/h", "matcher": "("}})
        self.assertIn("matcher", str(ctx.exception))
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.HookPolicy("{not json")
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.HookPolicy({}, breaker_cooldown_ms=0)
        policy = self.policy("http://127.0.0.1:9/hook")
        for bad in ("[1]", {"tool_name": "Bash"}, b"\xff"):
            with self.assertRaises(agenthost.InvalidArgument) as ctx:
                policy.evaluate(bad)
            self.assertEqual(ctx.exception.verdict.decision, "deny")
        # JSON text is passed on as it is: a key given twice is refused by the library.
        twice = '{"hook_event_name":"PreToolUse","tool_name":"Read","tool_name":"Bash"}'
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            policy.evaluate(twice)
        self.assertIn('the key "tool_name" appears twice', str(ctx.exception))
        self.assertEqual(ctx.exception.verdict.decision, "deny")
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            agenthost.HookPolicy('{"PreToolUse":{"url":"http://a/h","url":"http://b/h"}}')
        self.assertIn('"PreToolUse.url" appears twice', str(ctx.exception))


class ReplyServer:
    """A webhook that answers every POST with one fixed JSON reply."""

    def __init__(self, reply):
        body = json.dumps(reply).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return "http://127.0.0.1:%d/hook" % self.server.server_address[1]

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


class PackageTest(unittest.TestCase):
    def test_version_is_the_bundled_libraries(self):
        self.assertEqual(agenthost.__version__, agenthost.version())
        self.assertRegex(agenthost.__version__, r"^\d+\.\d+\.\d+$")
        self.assertIn("site-packages", agenthost.__file__)  # the installed package
        here = os.path.dirname(agenthost.__file__)
        self.assertTrue(os.path.isfile(os.path.join(here, "libagenthost_c.so.0")))
        self.assertTrue(os.path.isfile(os.path.join(here, "py.typed")))

    def test_exceptions_subclass_the_builtins(self):
        import builtins
        pairs = [(agenthost.InvalidArgument, ValueError), (agenthost.NotFound, LookupError),
                 (agenthost.Timeout, builtins.TimeoutError),
                 (agenthost.ConnectionError, builtins.ConnectionError),
                 (agenthost.PoolExhausted, builtins.TimeoutError),
                 (agenthost.Unsupported, NotImplementedError),
                 (agenthost.InternalError, RuntimeError), (agenthost.Corrupt, ValueError)]
        for cls, builtin in pairs:
            self.assertTrue(issubclass(cls, builtin), cls)
            self.assertTrue(issubclass(cls, agenthost.AgenthostError), cls)
        e = agenthost.Timeout("slow", code=4, status="timeout")
        self.assertEqual((e.status, e.code, str(e)), ("timeout", 4, "timeout: slow"))

    def test_verdict_has_every_field(self):
        policy = agenthost.HookPolicy({})
        with policy:
            v = policy.evaluate(pre_tool_use("Bash", command="ls"))
        for name in ("decision", "reason", "failed", "error", "updated_input",
                     "updated_permissions", "continue_", "stop_reason", "additional_context",
                     "system_message", "suppress_output", "interrupt", "hooks"):
            self.assertTrue(hasattr(v, name), name)
        self.assertTrue(v.allowed)


class ShapesTest(BindingTest):
    """The TypedDicts of agenthost.types name exactly the keys the library returns, and the
    public methods are annotated with them."""

    def test_sessions_and_pages_have_the_typed_keys(self):
        from agenthost.types import Page, Session
        with agenthost.SessionStore(self.cache, key_prefix=self.prefix + "session:",
                                    index_prefix=self.prefix + "sessions:") as store:
            made = store.create("m", owner_api_key="sk-a", metadata={"k": 1})
            page = store.list("sk-a")
        self.assertEqual(set(made), set(Session.__annotations__))
        self.assertEqual(set(page), set(Page.__annotations__))
        self.assertEqual(set(page["sessions"][0]), set(Session.__annotations__))
        self.assertEqual(set(Session.__required_keys__), set(Session.__annotations__))

    def test_hook_results_and_metric_families_have_the_typed_keys(self):
        from agenthost.types import HookResult, MetricFamily
        url = "http://127.0.0.1:%d/hook" % free_port()
        with agenthost.HookPolicy({"PreToolUse": {"url": url, "timeout_ms": 2000}},
                                  allow_private_networks=True) as policy:
            v = policy.evaluate(pre_tool_use("Bash", command="ls"))
            families = agenthost.metrics.metrics(policy=policy)
        self.assertEqual(set(v.hooks[0]), set(HookResult.__annotations__))
        for family in families.values():
            self.assertEqual(set(family), set(MetricFamily.__annotations__))

    def test_the_public_methods_are_annotated_with_the_typed_dicts(self):
        import typing
        from agenthost import types
        for fn, expected in ((agenthost.SessionStore.create, types.Session),
                             (agenthost.SessionStore.get, types.Session),
                             (agenthost.SessionStore.update, types.Session),
                             (agenthost.SessionStore.list, types.Page),
                             (agenthost.HookPolicy.evaluate, types.Verdict),
                             (agenthost.aio.SessionStore.get, types.Session),
                             (agenthost.aio.SessionStore.list, types.Page)):
            self.assertIs(typing.get_type_hints(fn)["return"], expected, fn)
        # The old names still import from their old modules.
        from agenthost.hooks import Verdict
        from agenthost.sessions import Page, Session
        self.assertIs(Verdict, agenthost.Verdict)
        self.assertEqual((Session, Page), (types.Session, types.Page))


class MetricsTest(BindingTest):
    """agenthost.metrics after known traffic, the exposition read by prometheus_client's own
    parser (Debian's python3-prometheus-client, seen through the venv's system site)."""

    def setUp(self):
        super().setUp()
        self.store = agenthost.SessionStore(self.cache, key_prefix=self.prefix + "session:",
                                            index_prefix=self.prefix + "sessions:")
        self.addCleanup(self.store.close)

    def samples(self, text):
        from prometheus_client.parser import text_string_to_metric_families
        out = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return out

    def test_the_exposition_counts_known_traffic(self):
        for _ in range(3):
            self.store.create("claude-sonnet-4", owner_api_key="sk-metrics")
        self.store.list(owner_api_key="sk-metrics")
        url = "http://127.0.0.1:%d/hook" % free_port()  # nothing listens there
        down = url + "?token=not-for-metrics"
        policy = agenthost.HookPolicy({"PreToolUse": {"url": down, "timeout_ms": 2000}},
                                      allow_private_networks=True, breaker_failure_threshold=5)
        self.addCleanup(policy.close)
        for _ in range(2):
            self.assertEqual(policy.evaluate(pre_tool_use("Bash", command="ls")).decision, "deny")
        text = agenthost.metrics.prometheus_text(cache=self.cache, store=self.store,
                                                 policy=policy)
        self.assertNotIn("not-for-metrics", text)
        got = self.samples(text)
        self.assertEqual(got[("agenthost_session_operations_total",
                              (("operation", "create"),))], 3)
        self.assertEqual(got[("agenthost_session_operations_total", (("operation", "list"),))], 1)
        self.assertEqual(got[("agenthost_session_operation_duration_seconds_count",
                              (("operation", "create"),))], 3)
        self.assertEqual(got[("agenthost_hook_evaluations_total",
                              (("decision", "deny"), ("event", "PreToolUse")))], 2)
        hook = (("event", "PreToolUse"), ("hook", "0"), ("url", url))
        self.assertEqual(got[("agenthost_hook_failures_total",
                              (("class", "connection"),) + hook)], 2)
        self.assertEqual(got[("agenthost_hook_circuit_state",
                              hook[:2] + (("state", "closed"),) + hook[2:])], 1)
        self.assertEqual(got[("agenthost_hook_call_duration_seconds_count", hook)], 2)
        as_dict = agenthost.metrics.metrics(store=self.store)
        self.assertEqual(as_dict["agenthost_session_operations_total"]["type"], "counter")
        self.assertEqual(set(agenthost.metrics.metrics()), set())

    def test_objects_of_the_wrong_kind_are_refused(self):
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            agenthost.metrics.prometheus_text(store=self.cache)
        self.assertIn("store must be an agenthost SessionStore", str(ctx.exception))
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.metrics.prometheus_text(cache="redis://localhost")


class LoadTest(unittest.TestCase):
    def test_a_missing_library_names_the_path(self):
        with self.assertRaises(OSError) as ctx:
            agenthost.load("/nonexistent/libagenthost_c.so")
        self.assertIn("AGENTHOST_C_LIBRARY", str(ctx.exception))
        self.assertTrue(re.search(r"/nonexistent/libagenthost_c\.so", str(ctx.exception)))
        agenthost.version()  # the loaded library is still in use


if __name__ == "__main__":
    unittest.main()
