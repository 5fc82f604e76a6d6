#!/usr/bin/env bash
# Runs one example program end to end against the sample policy server and checks its verdicts.
#   run_example.sh memory|redis <example command...>
# redis reads the shared fixture's URL from the file in AGENTHOST_TEST_REDIS_URL_FILE. Keys go
# under a unique AGENTHOST_EXAMPLE_PREFIX. The policy server is stopped by its PID on any exit.
set -euo pipefail
backend=${1:?memory|redis}
shift
here=$(cd "$(dirname "$0")" && pwd)
server=$here/../../examples/policy_server/policy_server.py
work=$(mktemp -d)
server_pid=

cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

new_secret() { echo "whsec_$(head -c 32 /dev/urandom | base64 -w0)"; }

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# expect FILE TEXT: the output has a line containing TEXT (fixed string).
expect() {
  grep -qF -- "$2" "$1" || fail "expected a line with '$2' in the output above"
}

case "$backend" in
  memory) unset REDIS_URL ;;
  redis) REDIS_URL=$(cat "${AGENTHOST_TEST_REDIS_URL_FILE:?}") && export REDIS_URL ;;
  *) fail "unknown backend $backend" ;;
esac
export AGENTHOST_EXAMPLE_PREFIX="example-test-$$-$RANDOM:"
AGENTHOST_POLICY_SECRET=$(new_secret)
export AGENTHOST_POLICY_SECRET

/usr/bin/python3 "$server" --port 0 --port-file "$work/port" >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the policy server exited: $(cat "$work/server.log")"
  sleep 0.1
done
[ -s "$work/port" ] || fail "the policy server did not report its port within 10 s"
export AGENTHOST_POLICY_URL="http://127.0.0.1:$(cat "$work/port")/hook"
export AGENTHOST_POLICY_DOWN_URL="http://127.0.0.1:$(free_port)/hook"

echo "== the whole example, policy server up"
"$@" | tee "$work/all.out" || fail "the example exited with status ${PIPESTATUS[0]}"
expect "$work/all.out" "sessions: created 7 for the owner of key sk-example-alice"
expect "$work/all.out" "sessions: created 2 for the owner of key sk-example-bob"
expect "$work/all.out" "sessions: page 1 for key sk-example-alice: 3 of 7, newest first"
expect "$work/all.out" "sessions: page 3 for key sk-example-alice: 1 of 7, newest first"
expect "$work/all.out" "-> not_found"
expect "$work/all.out" "sessions: deleted the 9 sessions"
expect "$work/all.out" 'hooks: PreToolUse Bash "rm -rf /" -> deny (policy: recursive rm of /'
expect "$work/all.out" 'hooks: PreToolUse Read "README.md" -> allow (policy: reading files is allowed)'
expect "$work/all.out" 'hooks: PreToolUse Bash "ls" -> deny (fail-closed: hook '"$AGENTHOST_POLICY_DOWN_URL"
grep -q "PreToolUse Bash -> deny" "$work/server.log" || fail "the policy server logged no deny"

echo "== signed with another secret: the server answers 401, PreToolUse fails closed"
status=0
AGENTHOST_POLICY_SECRET=$(new_secret) "$@" policy >"$work/bad.out" || status=$?
cat "$work/bad.out"
[ "$status" = 1 ] || fail "expected exit status 1 for unexpected verdicts, got $status"
expect "$work/bad.out" 'hooks: PreToolUse Read "README.md" -> deny (fail-closed: '
expect "$work/bad.out" "HTTP status 401"

echo "== policy server stopped: the same URL fails closed"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
AGENTHOST_POLICY_DOWN_URL=$AGENTHOST_POLICY_URL "$@" fail-closed | tee "$work/down.out" ||
  fail "the example exited with status ${PIPESTATUS[0]}"
expect "$work/down.out" 'hooks: PreToolUse Bash "ls" -> deny (fail-closed: hook '"$AGENTHOST_POLICY_URL"
echo "OK"
