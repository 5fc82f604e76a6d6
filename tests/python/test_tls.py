#!/usr/bin/python3
"""The TLS options of agenthost.Cache and agenthost.aio.Cache against the shared TLS
redis-server (fixture redis_tls: mutual TLS, the test certificates of tests/support/tls_certs.sh
in AGENTHOST_TEST_TLS_FIXTURE_DIR/certs, its rediss:// URL in .../url)."""

import asyncio
import os
import pathlib
import shutil
import subprocess
import tempfile
import unittest
import uuid

import agenthost
from agenthost import aio

FIXTURE = os.environ.get("AGENTHOST_TEST_TLS_FIXTURE_DIR", "")


def fixture_url():
    with open(os.path.join(FIXTURE, "url")) as f:
        return f.read().strip()


def cert(name):
    return os.path.join(FIXTURE, "certs", name)


def mutual(**overrides):
    """The options of a client the fixture accepts: the test CA, a client certificate."""
    options = {"tls_ca_file": cert("ca.crt"), "tls_cert_file": cert("client.crt"),
               "tls_key_file": cert("client.key"), "connect_timeout_ms": 5000,
               "socket_timeout_ms": 5000}
    options.update(overrides)
    return {k: v for k, v in options.items() if v is not None}



class TlsTest(unittest.TestCase):
    def setUp(self):
        self.url = fixture_url()
        self.key = "pytls-%s" % uuid.uuid4().hex[:12]

    def round_trip(self, cache):
        with cache:
            cache.set(self.key, b"over tls\x00", ttl=60)
            self.assertEqual(cache.get(self.key), b"over tls\x00")
            self.assertTrue(cache.delete(self.key))

    def refused(self, cache, cls=agenthost.ConnectionError):
        with cache, self.assertRaises(cls) as ctx:
            cache.ping()
        return str(ctx.exception)

    def test_mutual_tls_round_trip_with_str_and_path_options(self):
        self.round_trip(agenthost.Cache(self.url, **mutual()))
        as_paths = {k: pathlib.Path(v) if k.endswith("_file") else v
                    for k, v in mutual().items()}
        self.round_trip(agenthost.Cache(self.url, **as_paths))

    def test_a_hashed_ca_directory_is_trusted(self):
        with tempfile.TemporaryDirectory() as cas:
            shutil.copy(cert("ca.crt"), cas)
            subprocess.run(["openssl", "rehash", cas], check=True)
            self.round_trip(agenthost.Cache(self.url, **mutual(tls_ca_file=None,
                                                               tls_ca_dir=cas)))
        with tempfile.TemporaryDirectory() as empty:
            self.refused(agenthost.Cache(self.url, **mutual(tls_ca_file=None, tls_ca_dir=empty)))

    def test_the_server_refuses_a_client_without_a_certificate(self):
        self.refused(agenthost.Cache(self.url, **mutual(tls_cert_file=None, tls_key_file=None)))

    def test_a_server_the_ca_did_not_sign_is_refused_unless_verification_is_off(self):
        self.refused(agenthost.Cache(self.url, **mutual(tls_ca_file=cert("other-ca.crt"))))
        self.round_trip(agenthost.Cache(self.url, **mutual(tls_ca_file=cert("other-ca.crt"),
                                                           tls_insecure_skip_verify=True)))

    def test_the_server_name_is_the_one_verified(self):
        self.refused(agenthost.Cache(self.url, **mutual(tls_server_name="wrong-host.invalid")))
        # The fixture's certificate names localhost: sending that name verifies by 127.0.0.1 too.
        self.round_trip(agenthost.Cache(self.url, **mutual(tls_server_name="localhost")))

    def test_bad_tls_options_are_refused_at_open_naming_the_option(self):
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            agenthost.Cache(self.url, **mutual(tls_ca_dir="/nonexistent-dir"))
        self.assertIn("ca_dir", str(ctx.exception))
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            agenthost.Cache(self.url, **mutual(tls_key_file=cert("server.key")))
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            agenthost.Cache("redis://127.0.0.1:6379/0", tls_ca_file=cert("ca.crt"))
        self.assertIn("rediss://", str(ctx.exception))
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            agenthost.Cache(self.url, tls_ca_file=cert("ca.crt") + "\0.pem")
        self.assertIn("tls_ca_file", str(ctx.exception))
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.Cache(self.url, tls_ca_file=42)
        with self.assertRaises(agenthost.InvalidArgument):
            agenthost.Cache(self.url, tls_insecure_skip_verify="yes")
        with self.assertRaises(agenthost.InvalidArgument) as ctx:
            agenthost.Cache(None, tls_ca_file=cert("ca.crt"))  # REDIS_URL takes no options
        self.assertIn("tls_ca_file", str(ctx.exception))

    def test_the_aio_cache_takes_the_same_options(self):
        async def main():
            async with aio.Cache(self.url, max_workers=2, **mutual()) as cache:
                await cache.set(self.key, "v", ttl=60)
                got = await cache.get(self.key)
                await cache.delete(self.key)
                return got, cache.closed
        got, closed_inside = asyncio.run(main())
        self.assertEqual((got, closed_inside), (b"v", False))


if __name__ == "__main__":
    unittest.main()
