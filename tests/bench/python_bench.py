#!/usr/bin/python3
"""Benchmark of the agenthost Python package (a program, not a test). Run with the python of a
venv where the package is installed (tests/python/install_venv.sh V build/dev/capi/libagenthost_c.so):

    V/bin/python tests/bench/python_bench.py

(a) asyncio ticker max gap while 100 evaluations against a 2 s webhook are in flight;
(b) 1,000 concurrent async evaluations against a local keep-alive webhook (a node http server; throughput, threads)
    beside 1,000 sync evaluations on a ThreadPoolExecutor;
(c) a 100-session page (1,000 sessions of one owner) through the package vs redis-py + hiredis
    (ZREVRANGE + MGET + json.loads per record), same data, same run.
Starts its own webhook server and redis-server (free ports), stopped by PID."""

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import agenthost
from agenthost import aio

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "..", "integration", "hooks", "webhook_server.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("port %d never opened" % port)


NODE_SERVER = r"""
const http = require('http');
const body = JSON.stringify({decision: 'allow', reason: 'node says allow'});
const s = http.createServer((req, res) => {
  req.on('data', () => {}); req.on('end', () => {
    res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': body.length});
    res.end(body); });
});
s.keepAliveTimeout = 60000; s.maxRequestsPerSocket = 0;
s.listen(parseInt(process.argv[1]), '127.0.0.1');
"""


def threads():
    return len(os.listdir("/proc/self/task"))


def hook_input(i):
    return {"hook_event_name": "PreToolUse", "session_id": "s%d" % i, "tool_name": "Bash",
            "tool_input": {"command": "ls"}}


def policy_config(url):
    return {"PreToolUse": {"url": url, "timeout_ms": 30000}}


async def ticker_gap(url):
    gaps = []
    stop = asyncio.Event()

    async def tick():
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last - 0.01)
            last = now

    task = asyncio.create_task(tick())
    async with aio.HookPolicy(policy_config(url), allow_private_networks=True) as p:
        verdicts = await asyncio.gather(*(p.evaluate(hook_input(i)) for i in range(100)))
    stop.set()
    await task
    assert all(v.allowed for v in verdicts), verdicts[0]
    return max(gaps) * 1000, len(gaps)


async def async_many(url, n):
    async with aio.HookPolicy(policy_config(url), allow_private_networks=True) as p:
        await p.evaluate(hook_input(0))  # warm the loop thread and the connections
        before = threads()
        start = time.perf_counter()
        verdicts = await asyncio.gather(*(p.evaluate(hook_input(i)) for i in range(n)))
        elapsed = time.perf_counter() - start
        peak = threads()
    assert all(v.allowed for v in verdicts)
    return n / elapsed, before, peak


def sync_many(url, n, workers):
    with agenthost.HookPolicy(policy_config(url), allow_private_networks=True) as p, \
            ThreadPoolExecutor(workers) as pool:
        p.evaluate(hook_input(0))
        start = time.perf_counter()
        verdicts = list(pool.map(p.evaluate, (hook_input(i) for i in range(n))))
        elapsed = time.perf_counter() - start
        peak = threads()
    assert all(v.allowed for v in verdicts)
    return n / elapsed, peak


def median_us(fn, runs=200):
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def bench_page(redis_url):
    import redis  # Debian python3-redis (+ python3-hiredis)
    cache = agenthost.Cache(redis_url)
    store = agenthost.SessionStore(cache, key_prefix="bench:session:",
                                   index_prefix="bench:sessions:")
    for _ in range(1000):
        store.create("claude-sonnet-4", owner_api_key="sk-bench", metadata={"k": "v"})
    r = redis.Redis.from_url(redis_url)
    index = [k for k in r.scan_iter("bench:sessions:by_owner:*") if b":status:" not in k]
    assert len(index) == 1, index
    index = index[0]

    def package():
        page = store.list("sk-bench", page_size=100)
        assert len(page["sessions"]) == 100

    def redis_py():
        ids = r.zrevrange(index, 0, 99)
        records = r.mget([b"bench:session:" + i for i in ids])
        sessions = [json.loads(rec) for rec in records if rec is not None]
        assert len(sessions) == 100

    ours, theirs = median_us(package), median_us(redis_py)
    store.close()
    cache.close()
    return ours, theirs, redis.utils.HIREDIS_AVAILABLE


def main():
    web_port = free_port()
    web = subprocess.Popen(["/usr/bin/python3", SERVER, str(web_port)])
    node_port = free_port()
    node = subprocess.Popen(["/usr/bin/node", "-e", NODE_SERVER, str(node_port)])
    redis_port = free_port()
    pidfile = "/tmp/agenthost-pybench-%d.pid" % os.getpid()
    subprocess.run(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "yes",
                    "--pidfile", pidfile], check=True, stdout=subprocess.DEVNULL)
    try:
        wait_port(web_port)
        wait_port(redis_port)
        wait_port(node_port)
        fast = "http://127.0.0.1:%d/hook" % node_port
        base = "http://127.0.0.1:%d" % web_port
        urllib.request.urlopen(base + "/_nodelay").read()
        urllib.request.urlopen(base + "/_record/off").read()
        gap, ticks = asyncio.run(ticker_gap(base + "/slow?ms=2000"))
        print("(a) ticker max extra gap, 100 evaluations of a 2 s webhook in flight: %.2f ms "
              "(%d ticks; target < 5 ms)" % (gap, ticks))
        n = 1000
        rate, before, peak = asyncio.run(async_many(fast, n))
        srate, speak = sync_many(fast, n, 64)
        print("(b) %d evaluations: async %.0f/s, threads %d -> %d | sync on 64-thread pool "
              "%.0f/s, threads %d | async/sync %.2fx" % (n, rate, before, peak, srate, speak,
                                                         rate / srate))
        ours, theirs, hiredis = bench_page("redis://127.0.0.1:%d/0" % redis_port)
        print("(c) 100-session page as dicts: package %.0f us (%s), redis-py%s %.0f us, ratio "
              "%.2fx (target <= 0.6x)" % (ours, "dicts built in C" if agenthost.sessions.fast_pages()
                                          else "page JSON parsed", " + hiredis" if hiredis else "",
                                          theirs, ours / theirs))
    finally:
        for proc in (web, node):
            proc.terminate()
            proc.wait(10)
        with open(pidfile) as f:
            os.kill(int(f.read().strip()), 15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
