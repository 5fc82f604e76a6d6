#!/usr/bin/python3
"""agenthost Python example: a cache, sessions of two owners listed page by page, and PreToolUse
hooks evaluated by a policy webhook that fails closed. The same steps as examples/c/main.c.

    /usr/bin/python3 example.py [cache] [sessions] [policy] [fail-closed]   (none: all four)

Environment: REDIS_URL (else memory://), AGENTHOST_EXAMPLE_PREFIX, AGENTHOST_POLICY_URL,
AGENTHOST_POLICY_SECRET, AGENTHOST_POLICY_DOWN_URL (default http://127.0.0.1:9/hook), and
AGENTHOST_C_LIBRARY (overrides the library bundled in the installed agenthost package).
Exit status 0 when every step worked and every verdict was the expected one.
"""

import os
import sys

import agenthost

SECTIONS = ("cache", "sessions", "policy", "fail-closed")


def open_cache():
    use_env = bool(os.environ.get("REDIS_URL"))
    cache = agenthost.Cache(None if use_env else "memory://")  # None: REDIS_URL and REDIS_*
    print("agenthost %s, cache backend: %s" % (agenthost.__version__,
                                               "Redis (REDIS_URL)" if use_env else "memory://"))
    return cache


def cache_demo(cache, prefix):
    key = prefix + "example:greeting"
    cache.ping()
    cache.set(key, "hello from agenthost", ttl=60)
    value = cache.get(key)  # bytes, or None when absent
    print('cache: %s = "%s" (%d bytes, expires in 60 s)' % (key, value.decode(), len(value)))
    print("cache: deleted %s (%d key removed)" % (key, cache.delete(key)))


def create_sessions(store, owner_key, n):
    ids = [store.create("claude-sonnet-4", owner_api_key=owner_key, metadata={"task": i + 1})["id"]
           for i in range(n)]
    print("sessions: created %d for the owner of key %s" % (n, owner_key))
    return ids


def list_pages(store, owner_key):
    # pages() passes each page's next_cursor to the next call.
    for page_no, page in enumerate(store.pages(owner_key, page_size=3), start=1):
        print("sessions: page %d for key %s: %d of %d, newest first"
              % (page_no, owner_key, len(page["sessions"]), page["total"]))
        for session in page["sessions"]:
            print("  %s  %s" % (session["id"], session["status"]))


def owner_demo(store, session_id):
    """Another owner's session reads exactly like an absent one; its owner can update it."""
    try:
        store.get(session_id, owner_api_key="sk-example-bob")
        outcome = "found"
    except agenthost.NotFound as e:
        outcome = e.status
    print("sessions: bob reads alice's session %s -> %s" % (session_id, outcome))
    updated = store.update(session_id, "sk-example-alice", status="completed",
                           increment_turns=True)
    print("sessions: alice updates it -> status %s, one more turn" % updated["status"])
    return outcome == "not_found"


def session_demo(cache, prefix):
    with agenthost.SessionStore(cache, key_prefix=prefix + "session:",
                                index_prefix=prefix + "sessions:", ttl_s=600) as store:
        ids = create_sessions(store, "sk-example-alice", 7)
        ids += create_sessions(store, "sk-example-bob", 2)
        try:
            list_pages(store, "sk-example-alice")
            return owner_demo(store, ids[6])
        finally:
            for session_id in ids:
                store.delete(session_id)
            print("sessions: deleted the %d sessions" % len(ids))


def open_policy(url, secret=None):
    hook = {"url": url, "timeout_ms": 2000}
    if secret:
        hook["secret"] = secret
    # The SSRF guard refuses loopback and private addresses by default. This example's policy
    # server runs on 127.0.0.1, so it opts in; leave it off for webhooks on the internet.
    return agenthost.HookPolicy({"PreToolUse": hook}, allow_private_networks=True)


def evaluate(policy, tool, arg, expected, fail_closed):
    """Prints the verdict; True when it is `expected` and comes from the policy itself
    (fail_closed False) or from a failure (fail_closed True)."""
    field = "command" if tool == "Bash" else "file_path"
    verdict = policy.evaluate({"hook_event_name": "PreToolUse", "session_id": "example",
                               "tool_name": tool, "tool_input": {field: arg}})
    print('hooks: PreToolUse %s "%s" -> %s (%s: %s)' % (
        tool, arg, verdict.decision, "fail-closed" if verdict.failed else "policy",
        verdict.reason))
    return verdict.decision == expected and verdict.failed == fail_closed


def policy_demo():
    url = os.environ.get("AGENTHOST_POLICY_URL")
    secret = os.environ.get("AGENTHOST_POLICY_SECRET")
    if not url:
        print("hooks: AGENTHOST_POLICY_URL is not set: skipping the policy server "
              "(scripts/run-example.sh starts one)")
        return True
    print("hooks: asking the policy server at %s (%s requests)"
          % (url, "signed" if secret else "unsigned"))
    with open_policy(url, secret) as policy:
        ok = evaluate(policy, "Bash", "rm -rf /", "deny", False)
        return evaluate(policy, "Read", "README.md", "allow", False) and ok


def fail_closed_demo():
    url = os.environ.get("AGENTHOST_POLICY_DOWN_URL") or "http://127.0.0.1:9/hook"
    print("hooks: asking a policy server that is down (%s): PreToolUse fails closed" % url)
    with open_policy(url) as policy:
        return evaluate(policy, "Bash", "ls", "deny", True)


def main(argv):
    unknown = [a for a in argv if a not in SECTIONS]
    if unknown:
        sys.stderr.write("usage: example.py [%s]\n" % "] [".join(SECTIONS))
        return 2
    wanted = set(argv) or set(SECTIONS)
    prefix = os.environ.get("AGENTHOST_EXAMPLE_PREFIX", "")
    ok = True
    try:
        if wanted & {"cache", "sessions"}:
            with open_cache() as cache:
                if "cache" in wanted:
                    cache_demo(cache, prefix)
                if "sessions" in wanted:
                    ok = session_demo(cache, prefix)
        if ok and "policy" in wanted:
            ok = policy_demo()
        if ok and "fail-closed" in wanted:
            ok = fail_closed_demo()
    except agenthost.AgenthostError as e:
        # Every failure carries the C status (e.code, e.status) and a message naming what failed.
        sys.stderr.write("agenthost error (%s): %s\n" % (e.status, e.message))
        return 1
    if not ok:
        sys.stderr.write("the example did not complete as expected\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
