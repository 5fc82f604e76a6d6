#!/usr/bin/python3
"""A sample policy webhook for agenthost's HookPolicy (Python stdlib only).

It answers PreToolUse hooks:
  - Bash commands that delete the filesystem (`rm -rf /`, `rm -fr ~`, `rm -r --no-preserve-root /`,
    `sudo rm -rf /*`, ...) or pipe a download into a shell (`curl ... | sh`, `wget -O- ... | bash`,
    `bash <(curl ...)`, `sh -c "$(curl ...)"`) are denied, with the reason;
  - everything else (Read, Grep, `ls`, ...) is allowed;
and acknowledges every other event with "allow".

Every request must carry a valid Standard Webhooks signature, exactly as agenthost signs it:
  webhook-id, webhook-timestamp (Unix seconds) and
  webhook-signature: "v1,<base64 HMAC-SHA256 of '<id>.<timestamp>.<body>'>" (space-separated list),
keyed with the base64 bytes after the "whsec_" prefix of the shared secret. Requests without a
valid signature, or with a timestamp outside the tolerance, get 401 and are never evaluated.

The reply is agenthost's (and the Python service's) shape: {"decision": ..., "reason": ...}.

Usage:
  AGENTHOST_POLICY_SECRET=whsec_... policy_server.py [--port 0] [--port-file FILE]
  --port 0 picks a free port; the chosen port is printed and, with --port-file, written there.
"""

import argparse
import base64
import binascii
import hashlib
import hmac
import http.server
import json
import os
import re
import shlex
import signal
import sys
import time

SECRET_PREFIX = "whsec_"
MAX_BODY_BYTES = 1024 * 1024
SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "fish"}
DOWNLOADERS = {"curl", "wget"}
# Wrappers that run the rest of their arguments as a command.
PREFIX_COMMANDS = {"sudo", "doas", "command", "exec", "nohup", "env", "time", "nice", "xargs"}
ROOT_TARGETS = re.compile(r"^(/+\.?|/+\*|~/?\*?|\$HOME/?\*?|\$\{HOME\}/?\*?)$")
# A download fed to a shell through command or process substitution: bash <(curl ...),
# sh -c "$(wget ...)", eval "`curl ...`".
SUBSTITUTED_DOWNLOAD = re.compile(
    r"(\b(?:ba|z|da|k)?sh\b|\beval\b|\bsource\b|(?:^|[;&|]\s*)\.)[^;&|]*"
    r"(?:<\(|\$\(|`)\s*(?:\S*/)?(?:curl|wget)\b")


# ---- the policy ---------------------------------------------------------------------------


def split_commands(command):
    """Splits a shell command line into pipelines of simple commands (lists of words)."""
    lexer = shlex.shlex(command.replace("\n", ";"), posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    pipelines, pipeline, words = [], [], []
    for token in lexer:
        if token in ("|", "|&"):
            pipeline.append(words)
            words = []
        elif token and set(token) <= set(";&|()<>"):
            pipeline.append(words)
            pipelines.append(pipeline)
            pipeline, words = [], []
        else:
            words.append(token)
    pipeline.append(words)
    pipelines.append(pipeline)
    return [[w for w in p if w] for p in pipelines]


def program_and_args(words):
    """Skips wrappers (sudo, env, ...) and VAR=value assignments: the real program and its args."""
    i = 0
    while i < len(words):
        word = words[i]
        name = os.path.basename(word)
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word) or word.startswith("-") and i > 0:
            i += 1
        elif name in PREFIX_COMMANDS:
            i += 1
        else:
            return name, words[i + 1 :]
    return "", []


def deletes_root(args):
    recursive = no_preserve_root = False
    targets = []
    options_done = False
    for arg in args:
        if options_done or not arg.startswith("-") or arg == "-":
            targets.append(arg)
        elif arg == "--":
            options_done = True
        elif arg.startswith("--"):
            recursive |= arg == "--recursive"
            no_preserve_root |= arg == "--no-preserve-root"
        else:
            recursive |= "r" in arg or "R" in arg
    hits = [t for t in targets if ROOT_TARGETS.match(t)]
    if recursive and hits:
        what = "the whole filesystem" if hits[0].startswith("/") else "the home directory"
        return "recursive rm of %s would delete %s" % (hits[0], what)
    if no_preserve_root:
        return "rm --no-preserve-root is never allowed"
    return None


def pipes_download_to_shell(pipeline):
    downloader = None
    for words in pipeline:
        program, _ = program_and_args(words)
        if program in DOWNLOADERS:
            downloader = program
        elif downloader and program in SHELLS:
            return "piping a download (%s) into a shell (%s) runs unreviewed code" % (
                downloader, program)
    return None


def check_bash(command):
    """The reason to deny a Bash command, or None to allow it."""
    if SUBSTITUTED_DOWNLOAD.search(command):
        return "running a downloaded script through command substitution is not allowed"
    try:
        pipelines = split_commands(command)
    except ValueError as e:  # unbalanced quotes: what runs cannot be known, so refuse it
        return "the command could not be parsed (%s)" % e
    for pipeline in pipelines:
        reason = pipes_download_to_shell(pipeline)
        if reason:
            return reason
        for words in pipeline:
            program, args = program_and_args(words)
            if program == "rm":
                reason = deletes_root(args)
                if reason:
                    return reason
    return None


def decide(hook_input):
    """The reply object for one hook input."""
    event = hook_input.get("hook_event_name") or hook_input.get("hook_event") or ""
    if event not in ("PreToolUse", "pre_tool_use"):
        return {"decision": "allow", "reason": "%s acknowledged" % (event or "event")}
    tool = hook_input.get("tool_name") or ""
    tool_input = hook_input.get("tool_input") or {}
    if tool == "Bash":
        command = tool_input.get("command") if isinstance(tool_input, dict) else None
        if not isinstance(command, str):
            return {"decision": "deny", "reason": "Bash without a command string"}
        reason = check_bash(command)
        if reason:
            return {"decision": "deny", "reason": reason}
        return {"decision": "allow", "reason": "no dangerous pattern in the command"}
    if tool in ("Read", "Glob", "Grep", "LS"):
        return {"decision": "allow", "reason": "reading files is allowed"}
    return {"decision": "allow", "reason": "no rule for %s" % (tool or "this tool")}


# ---- Standard Webhooks signatures ----------------------------------------------------------


def secret_key(secret):
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError('the secret must start with "whsec_" followed by base64')
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError('the secret after "whsec_" is not valid base64') from None
    if not key:
        raise ValueError('the secret after "whsec_" is empty')
    return key


def sign(key, msg_id, timestamp, body):
    """The v1 signature agenthost sends: base64(HMAC-SHA256(key, 'id.timestamp.body'))."""
    content = msg_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def verify(key, headers, body, tolerance_s, now=None):
    """None when the request is signed correctly, else why not (no secret in the text)."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return "missing webhook-id, webhook-timestamp or webhook-signature"
    if not re.fullmatch(r"[0-9]{1,12}", timestamp):
        return "webhook-timestamp is not Unix seconds"
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance_s:
        return "webhook-timestamp is outside the %d s tolerance" % tolerance_s
    expected = sign(key, msg_id, timestamp, body).encode()
    # Any of the space-separated signatures may match (secret rotation); compare all of them in
    # constant time so the timing does not tell which one was close.
    matched = False
    for candidate in signatures.split(" "):
        matched |= hmac.compare_digest(candidate.encode(), expected)
    return None if matched else "no webhook-signature matches"


# ---- HTTP ----------------------------------------------------------------------------------


class PolicyHandler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive: agenthost reuses its connections across evaluations.
    protocol_version = "HTTP/1.1"
    server_version = "agenthost-sample-policy/1"
    timeout = 60  # an idle keep-alive connection gives its thread back after a minute

    def do_POST(self):
        if self.headers.get("Transfer-Encoding"):
            return self.reply(411, {"error": "a Content-Length is required"})
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self.reply(411, {"error": "a Content-Length is required"})
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            return self.reply(413, {"error": "the body is over %d bytes" % MAX_BODY_BYTES})
        body = self.rfile.read(length)
        problem = verify(self.server.key, self.headers, body, self.server.tolerance_s)
        if problem:
            self.log_message("401 %s", problem)
            return self.reply(401, {"error": "unauthorized: " + problem})
        try:
            hook_input = json.loads(body)
        except ValueError:
            return self.reply(400, {"error": "the body is not JSON"})
        if not isinstance(hook_input, dict):
            return self.reply(400, {"error": "the body is not a JSON object"})
        verdict = decide(hook_input)
        self.log_message("%s %s -> %s (%s)", hook_input.get("hook_event_name", "?"),
                         hook_input.get("tool_name", "-"), verdict["decision"], verdict["reason"])
        self.reply(200, verdict)

    def do_GET(self):
        self.reply(405, {"error": "POST hook inputs here"})

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_request(self, code="-", size="-"):
        pass  # do_POST logs each request once, with its verdict or why it was refused

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            sys.stderr.write("policy-server: " + (fmt % args) + "\n")


class PolicyServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, key, tolerance_s, quiet):
        super().__init__(address, PolicyHandler)
        self.key = key
        self.tolerance_s = tolerance_s
        self.quiet = quiet


def write_port_file(path, port):
    # Written whole and renamed, so a reader polling for the file never sees half a number.
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description="Sample agenthost policy webhook.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8787, help="port; 0 picks a free one")
    parser.add_argument("--port-file", help="write the port the server listens on to this file")
    parser.add_argument("--secret-env", default="AGENTHOST_POLICY_SECRET",
                        help="environment variable holding the whsec_ secret")
    parser.add_argument("--tolerance", type=int, default=300,
                        help="accepted webhook-timestamp skew in seconds (default 300)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args()

    secret = os.environ.get(args.secret_env, "")
    if not secret:
        parser.error("set %s to the webhook secret (whsec_ + base64)" % args.secret_env)
    try:
        key = secret_key(secret)
    except ValueError as e:
        parser.error("%s: %s" % (args.secret_env, e))
    if not 0 <= args.port <= 65535:
        parser.error("--port %d is out of range 0..65535" % args.port)
    if args.tolerance < 1:
        parser.error("--tolerance %d must be at least 1 second" % args.tolerance)

    server = PolicyServer((args.host, args.port), key, args.tolerance, args.quiet)
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    print("policy server listening on http://%s:%d/hook (pid %d)" % (args.host, port, os.getpid()),
          flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
