#!/usr/bin/python3
"""The durable tier from Python (PostgreSQL the source of truth, Redis its cache) and the
listing's metadata filters, against the shared PostgreSQL (fixture postgres: its URL in the file
AGENTHOST_TEST_PG_URL_FILE names) and the shared Redis (AGENTHOST_TEST_REDIS_URL_FILE). Each
test has its own table and key prefix."""

import asyncio
import os
import unittest
import uuid

import agenthost
from agenthost import aio


def first_line(variable):
    with open(os.environ[variable]) as f:
        return f.read().strip()


class DurableTest(unittest.TestCase):
    def setUp(self):
        self.pg = first_line("AGENTHOST_TEST_PG_URL_FILE")
        self.redis = first_line("AGENTHOST_TEST_REDIS_URL_FILE")
        tag = uuid.uuid4().hex[:12]
        self.prefix = "pydurable-%s:" % tag
        self.options = {"key_prefix": self.prefix + "session:",
                        "index_prefix": self.prefix + "sessions:", "database_url": self.pg,
                        "db_table": "t_py_" + tag, "db_pool_size": 2,
                        "db_connect_timeout_ms": 5000, "db_statement_timeout_ms": 5000,
                        "db_pool_wait_ms": 5000}
        self.cache = agenthost.Cache(self.redis)
        self.addCleanup(self.cache.close)

    def store(self, **overrides):
        store = agenthost.SessionStore(self.cache, **{**self.options, **overrides})
        self.addCleanup(store.close)
        return store

    def test_sessions_outlive_redis_and_are_listed_by_metadata(self):
        store = self.store()
        plan = store.create("m", owner_api_key="sk-d", metadata={
            "mode": "plan", "project_id": "p1", "tags": ["x", "y"], "title": "Hello World"})
        store.create("m", owner_api_key="sk-d", metadata={"mode": "code", "project_id": "p1",
                                                          "tags": ["y"]})
        store.create("m", owner_api_key="sk-d")

        def ids(**filters):
            return [s["id"] for s in store.list("sk-d", **filters)["sessions"]]
        self.assertEqual(ids(mode="plan", tags=["y"], title="WORLD"), [plan["id"]])
        self.assertEqual(len(ids(project_id="p1")), 2)
        self.assertEqual(len(ids(tags=["y"])), 2)
        self.assertEqual(ids(tags=["x", "y"]), [plan["id"]])
        self.assertEqual(ids(mode="review"), [])
        pages = list(store.pages("sk-d", page_size=1, project_id="p1"))
        self.assertEqual([p["total"] for p in pages], [2, 2])
        with self.assertRaises(agenthost.InvalidArgument):
            store.list("sk-d", tags="y")  # an array, not a string

        # Redis loses the record: the database still has it.
        self.assertTrue(self.cache.delete(self.prefix + "session:" + plan["id"]))
        self.assertEqual(store.get(plan["id"], "sk-d")["metadata"]["title"], "Hello World")
        self.assertEqual(store.reindex(), 3)
        store.delete(plan["id"])
        with self.assertRaises(agenthost.NotFound):
            store.get(plan["id"])

    def test_a_second_store_on_the_same_table_sees_the_sessions(self):
        made = self.store().create("m", owner_api_key="sk-d", metadata={"mode": "plan"})
        other_cache = agenthost.Cache("memory://")  # nothing cached: read from the database
        self.addCleanup(other_cache.close)
        other = agenthost.SessionStore(other_cache, **self.options)
        self.addCleanup(other.close)
        self.assertEqual(other.get(made["id"], "sk-d")["metadata"], {"mode": "plan"})
        self.assertEqual([s["id"] for s in other.list(mode="plan")["sessions"]], [made["id"]])

    def test_bad_durable_options_are_refused_without_the_password(self):
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            self.store(database_url="mysql://u:hunter2-pw@127.0.0.1/db")
        self.assertNotIn("hunter2-pw", str(ctx.exception))
        self.assertIn("postgresql://", str(ctx.exception))
        for name, value in (("db_pool_size", 0), ("db_statement_timeout_ms", 0),
                            ("db_pool_wait_ms", 600001), ("db_connect_timeout_ms", -1)):
            with self.assertRaises(agenthost.InvalidArgument, msg=name) as ctx:
                self.store(**{name: value})
            self.assertIn(name, str(ctx.exception))

    def test_metadata_filters_need_the_durable_tier(self):
        store = self.store(database_url=None, db_table=None, db_pool_size=None,
                           db_connect_timeout_ms=None, db_statement_timeout_ms=None,
                           db_pool_wait_ms=None)
        for filters in ({"mode": "plan"}, {"project_id": "p"}, {"tags": ["x"]},
                        {"title": "t"}):
            with self.assertRaises(agenthost.Unsupported, msg=filters) as ctx:
                store.list(**filters)
            self.assertIn("durable", str(ctx.exception))

    def test_database_url_is_read_from_the_environment_when_no_option_is_given(self):
        saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "DB_POOL_SIZE")}

        def restore():
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self.addCleanup(restore)
        os.environ["DATABASE_URL"], os.environ["DB_POOL_SIZE"] = self.pg, "2"
        cache = agenthost.Cache("memory://")  # the default prefixes: no shared Redis keys
        self.addCleanup(cache.close)
        owner = "sk-env-" + uuid.uuid4().hex
        with agenthost.SessionStore(cache) as from_env:  # the default table, "sessions"
            made = from_env.create("m", owner_api_key=owner, metadata={"mode": "env"})
            listed = from_env.list(owner, mode="env")
            self.assertEqual([s["id"] for s in listed["sessions"]], [made["id"]])
            from_env.delete(made["id"])  # the table is shared: leave it as it was
        # Any option given: the options are the whole configuration, DATABASE_URL is not read.
        with agenthost.SessionStore(cache, ttl_s=600) as explicit:
            with self.assertRaises(agenthost.Unsupported):
                explicit.list(owner, mode="env")

    def test_the_aio_store_takes_the_durable_options_and_filters(self):
        async def main():
            async with aio.Cache(self.redis, max_workers=2) as cache, \
                    aio.SessionStore(cache, **self.options) as store:
                made = await store.create("m", owner_api_key="sk-a",
                                          metadata={"tags": ["t"], "title": "Async"})
                await store.create("m", owner_api_key="sk-a")
                found = await store.list("sk-a", tags=["t"], title="sync")
                pages = [p async for p in store.pages("sk-a", page_size=1)]
                return made, found, pages
        made, found, pages = asyncio.run(main())
        self.assertEqual([s["id"] for s in found["sessions"]], [made["id"]])
        self.assertEqual(len(pages), 2)
        self.assertIsNone(pages[-1]["next_cursor"])


if __name__ == "__main__":
    unittest.main()
