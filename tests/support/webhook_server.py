#!/usr/bin/python3
"""A webhook server for the HookPolicy tests that misbehaves on purpose. The path picks the
behaviour (see HANDLERS); every POST is recorded. Stdlib only.

usage: webhook_server.py PORT [SECRET]   (SECRET is the whsec_... string for /verify)
"""
import base64
import fcntl
import hashlib
import hmac
import json
import random
import select
import socket
import struct
import sys
import termios
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = sys.argv[2] if len(sys.argv) > 2 else ""
LOCK = threading.Lock()
RECORDS = []          # (path, headers dict, body bytes)
DYNAMIC = {"mode": "allow", "record": True}
COUNTS = {"posts": 0, "strays": 0}  # POSTs received while recording is off; strays written
PORTS = []            # (path, client port) of every POST: which connection carried it
OWED = {}             # socket -> a stray response to write on it at the next /_flush


def raw_response(body):
    """A complete 200 response as bytes, for writing in one piece."""
    data = json.dumps(body).encode()
    head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n")
    return head.encode() + data


def delivered(sock):
    """Waits (at most 2 s) until the peer has acknowledged every byte written on `sock`: only then
    is a stray certainly waiting in the client's socket, not still on its way (the kernel may pass
    loopback traffic on later, from another CPU)."""
    for _ in range(2000):
        unacked = struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]
        if unacked == 0:
            return
        time.sleep(0.001)


def quiet(sock, seconds):
    """True when nothing arrives on `sock` (no request, no close) within `seconds`."""
    readable, _, _ = select.select([sock], [], [], seconds)
    return not readable


def decision(d, reason=None):
    body = {"decision": d}
    if reason is not None:
        body["reason"] = reason
    return body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def finish(self):
        with LOCK:
            OWED.pop(self.connection, None)
        super().finish()

    # -- helpers ---------------------------------------------------------------------------
    def reply(self, status, body=b"", content_type="application/json", extra=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n) if n else b""

    # -- control (GET) ---------------------------------------------------------------------
    def do_GET(self):
        with LOCK:
            records = list(RECORDS)
        if self.path == "/_count":
            self.reply(200, str(len(records) + COUNTS["posts"]), "text/plain")
        elif self.path == "/_ids":
            self.reply(200, "\n".join(r[1].get("webhook-id", "") for r in records), "text/plain")
        elif self.path == "/_last_body":
            self.reply(200, records[-1][2] if records else b"", "text/plain")
        elif self.path == "/_last_headers":
            text = "\n".join(f"{k.lower()}: {v}" for k, v in records[-1][1].items()) if records else ""
            self.reply(200, text, "text/plain")
        elif self.path == "/_nodelay":
            # TCP_NODELAY on connections accepted from now on. Without it, a reply written as
            # headers then body stalls ~40 ms on the client's delayed ACK (Nagle), which would
            # make load tests measure this server rather than the client.
            Handler.disable_nagle_algorithm = True
            self.reply(200, "ok", "text/plain")
        elif self.path == "/_record/off":
            # Long runs (the soak) only count requests, so the server's memory stays flat.
            DYNAMIC["record"] = False
            self.reply(200, "ok", "text/plain")
        elif self.path == "/_strays":
            self.reply(200, str(COUNTS["strays"]), "text/plain")
        elif self.path == "/_ports":
            with LOCK:
                text = "\n".join(f"{path} {port}" for path, port in PORTS)
            self.reply(200, text, "text/plain")
        elif self.path == "/_flush":
            # Writes the strays /twice?how=owed and /echo owe, on connections where nothing is
            # waiting to be read: with no request of the client in flight (the tests call this
            # between rounds), none can take such a stray for its answer by a race.
            with LOCK:
                owed = list(OWED.items())
                OWED.clear()
            written = 0
            for sock, stray in owed:
                try:
                    if quiet(sock, 0):
                        sock.sendall(stray)
                        delivered(sock)
                        written += 1
                except (OSError, ValueError):  # closed meanwhile
                    pass
            with LOCK:
                COUNTS["strays"] += written
            self.reply(200, str(written), "text/plain")
        elif self.path.startswith("/_mode/"):
            DYNAMIC["mode"] = self.path[len("/_mode/"):]
            self.reply(200, "ok", "text/plain")
        else:
            self.reply(200, "ok", "text/plain")

    # -- hooks (POST) ----------------------------------------------------------------------
    def do_POST(self):
        path, _, query = self.path.partition("?")
        with LOCK:
            OWED.pop(self.connection, None)  # the next request came: its stray is never written
            PORTS.append((path, self.client_address[1]))
        if path == "/early":
            self.early()
            return
        body = self.read_body()
        with LOCK:
            if DYNAMIC["record"]:
                RECORDS.append((self.path, dict(self.headers.items()), body))
            else:
                COUNTS["posts"] += 1
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        handler = HANDLERS.get(path)
        if handler is None:
            self.reply(404, {"error": "no such mode"})
        else:
            handler(self, body, params)

    def never(self, body, params):
        time.sleep(120)

    def drip(self, body, params):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b'{"decision":"allow","pad":"')
        for _ in range(600):
            time.sleep(0.1)
            try:
                self.wfile.write(b"x")
            except OSError:
                return

    def reset(self, body, params):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b'{"decision":"al')
        time.sleep(0.05)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def huge(self, body, params):
        # 10 MiB without Content-Length: the body ends when the connection closes.
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b'{"decision":"allow","pad":"')
            chunk = b"x" * 65536
            for _ in range(160):
                self.wfile.write(chunk)
            self.wfile.write(b'"}')
        except OSError:
            pass

    def chunked_huge(self, body, params):
        # 10 MiB in chunked transfer encoding: no Content-Length to check up front.
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            chunk = b"x" * 65536
            for _ in range(160):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    def slow(self, body, params):
        time.sleep(int(params.get("ms", "1000")) / 1000.0)
        self.reply(200, decision(params.get("d", "allow"), "slow " + params.get("d", "allow")))

    def verify(self, body, params):
        key = base64.b64decode(SECRET[len("whsec_"):])
        msg_id = self.headers.get("webhook-id", "")
        ts = self.headers.get("webhook-timestamp", "")
        sig = self.headers.get("webhook-signature", "")
        expected = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body,
                                             hashlib.sha256).digest()).decode()
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300
        ok = fresh and msg_id and any(hmac.compare_digest(s, "v1," + expected) for s in sig.split(" "))
        if ok:
            self.reply(200, decision("allow", "signature verified"))
        else:
            self.reply(401, {"error": "bad signature"})

    def early(self):
        # Answers allow as soon as the headers are in, then reads the body: the reply begins
        # while the client is still sending.
        self.wfile.write(raw_response(decision("allow", "answered before reading the request")))
        n = int(self.headers.get("Content-Length", "0"))
        while n > 0:
            chunk = self.rfile.read(min(n, 65536))
            if not chunk:
                break
            n -= len(chunk)

    def answer_twice(self, answer, stray, how, ms):
        """Writes `answer`, then the unsolicited `stray` response on the same connection:
        same  - in the same write as the answer;
        delay - `ms` later, unless a request (or a close) arrives on the connection first;
        owed  - at the next GET /_flush, unless a request arrives on the connection first;
        none  - never."""
        first = raw_response(answer)
        second = raw_response(stray)
        if how == "same":
            self.wfile.write(first + second)
            with LOCK:
                COUNTS["strays"] += 1
            return
        self.wfile.write(first)
        if how == "delay":
            if quiet(self.connection, ms / 1000.0):
                self.wfile.write(second)
                delivered(self.connection)
                with LOCK:
                    COUNTS["strays"] += 1
        elif how == "owed":
            with LOCK:
                OWED[self.connection] = second

    def twice(self, body, params):
        nonce = nonce_of(body)
        answer = decision(params.get("d", "deny"), "answer to " + nonce)
        stray = decision(params.get("stray", "allow"), "stray after " + nonce)
        self.answer_twice(answer, stray, params.get("how", "same"), int(params.get("ms", "150")))

    def echo(self, body, params):
        # The load test's server: the decision the input asks for, the reason naming the input's
        # nonce, and at random no stray, a stray in the same write, or one owed to /_flush.
        nonce = nonce_of(body)
        try:
            want = json.loads(body).get("tool_input", {}).get("want", "deny")
        except ValueError:
            want = "deny"
        answer = decision(want, "answer to " + nonce)
        stray = decision("allow", "stray after " + nonce)
        self.answer_twice(answer, stray, random.choice(["none", "same", "owed"]), 0)

    def dynamic(self, body, params):
        mode = DYNAMIC["mode"]
        if mode == "500":
            self.reply(500, {"error": "down"})
        else:
            self.reply(200, decision(mode, "dynamic " + mode))


def nonce_of(body):
    try:
        return str(json.loads(body).get("tool_input", {}).get("nonce", ""))
    except ValueError:
        return ""


def fixed(status, body, content_type="application/json", extra=None):
    return lambda h, body_in, params: h.reply(status, body, content_type, extra)


HANDLERS = {
    "/allow": fixed(200, decision("allow", "server says allow")),
    "/deny": fixed(200, decision("deny", "server says deny")),
    "/ask": fixed(200, decision("ask", "server says ask")),
    "/cc/allow": fixed(200, {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                                    "permissionDecision": "allow",
                                                    "permissionDecisionReason": "cc allow"}}),
    "/cc/deny": fixed(200, {"hookSpecificOutput": {"permissionDecision": "deny",
                                                   "permissionDecisionReason": "cc deny"}}),
    "/cc/ask": fixed(200, {"hookSpecificOutput": {"permissionDecision": "ask"}}),
    "/cc/modify": fixed(200, {"hookSpecificOutput": {"permissionDecision": "allow",
                                                     "updatedInput": {"command": "ls -la"}}}),
    "/cc/post": fixed(200, {"hookSpecificOutput": {"hookEventName": "PostToolUse",
                                                   "additionalContext": "logged"}}),
    "/cc/defer": fixed(200, {"hookSpecificOutput": {"hookEventName": "PreToolUse",
                                                    "permissionDecision": "defer",
                                                    "permissionDecisionReason": "host decides"}}),
    "/cc/stop": fixed(200, {"continue": False, "stopReason": "budget spent",
                            "hookSpecificOutput": {"permissionDecision": "allow"}}),
    "/perm/deny": fixed(200, {"hookSpecificOutput": {
        "hookEventName": "PermissionRequest",
        "decision": {"behavior": "deny", "message": "not on prod", "interrupt": True}}}),
    "/perm/allow": fixed(200, {"hookSpecificOutput": {
        "hookEventName": "PermissionRequest",
        "decision": {"behavior": "allow", "updatedInput": {"command": "ls"}}}}),
    "/skill/defer": fixed(200, {"hookSpecificOutput": {"hookEventName": "PreSkillShellCommand",
                                                       "permissionDecision": "defer"}}),
    # One event's decision field, with no hookEventName: it must decide only its own events.
    "/shape/permission_allow": fixed(200, {"hookSpecificOutput": {"permissionDecision": "allow"}}),
    "/shape/behavior_allow": fixed(200, {"hookSpecificOutput": {"decision": {"behavior": "allow"}}}),
    "/shape/action_accept": fixed(200, {"hookSpecificOutput": {"action": "accept"}}),
    "/legacy/approve": fixed(200, decision("approve", "legacy approve")),
    "/legacy/block": fixed(200, decision("block", "legacy block")),
    "/modify": fixed(200, {"decision": "allow", "modified_input": {"command": "ls -la"}}),
    "/status204": fixed(204, b""),
    "/empty200": fixed(200, b""),
    "/redirect": fixed(301, b"", "text/plain", {"Location": "http://169.254.169.254/latest/"}),
    "/status500deny": fixed(500, decision("deny", "server error")),
    "/status500allow": fixed(500, decision("allow", "server error")),
    "/garbage": fixed(200, b"<html>definitely not json", "text/html"),
    "/array": fixed(200, [decision("allow")]),
    "/maybe": fixed(200, decision("maybe")),
    "/allow_space": fixed(200, decision("ALLOW ")),
    "/numeric": fixed(200, {"decision": 1}),
    # A key given twice: a reader keeping the first and one keeping the last disagree.
    "/dup/decision": fixed(200, b'{"decision":"allow","decision":"deny"}'),
    "/dup/nested": fixed(200, b'{"hookSpecificOutput":{"permissionDecision":"allow",'
                              b'"updatedInput":{"command":"ls","command":"rm -rf /"}}}'),
    "/nodecision": fixed(200, {"reason": "nothing to say"}),
    "/never": Handler.never,
    "/drip": Handler.drip,
    "/reset": Handler.reset,
    "/huge": Handler.huge,
    "/chunked_huge": Handler.chunked_huge,
    "/slow": Handler.slow,
    "/verify": Handler.verify,
    "/dynamic": Handler.dynamic,
    "/twice": Handler.twice,
    "/echo": Handler.echo,
}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients abort on purpose (deadlines, size caps); the tests check the client side


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
