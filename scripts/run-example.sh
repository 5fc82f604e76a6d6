#!/usr/bin/env bash
# The README's "run" command. Installs the packages, builds agenthost and its examples, starts the
# sample policy webhook on a free port, and runs the C example end to end: sessions created and
# listed, `Bash rm -rf /` denied by the policy, `Read` allowed; then stops the policy server and
# shows `Bash` denied because PreToolUse fails closed.
# Runs against memory:// unless REDIS_URL is set; AGENTHOST_BUILD_DIR picks the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${AGENTHOST_BUILD_DIR:-build/example}
server_pid=

step() { printf '\n== %s\n' "$*"; }

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# Runs a noisy command with its output in a log, shown only when it fails.
quietly() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "failed: $* (log: $log)" >&2
    exit 1
  fi
}

step "Installing the packages (scripts/install-deps.sh)"
bash scripts/install-deps.sh
echo "ok"

step "Building agenthost and the examples in $build"
mkdir -p "$build"
quietly "$build/configure.log" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAGENTHOST_BUILD_TESTS=OFF -DAGENTHOST_BUILD_BENCH=OFF -DAGENTHOST_BUILD_EXAMPLES=ON
quietly "$build/build.log" cmake --build "$build" --parallel "$(nproc)"
echo "built $build/examples/agenthost-example-c, agenthost-example-cpp and $build/capi/libagenthost_c.so"

step "Starting the sample policy server (examples/policy_server/policy_server.py)"
# A fresh Standard Webhooks secret: agenthost signs each request with it, the server checks it.
AGENTHOST_POLICY_SECRET="whsec_$(head -c 32 /dev/urandom | base64 -w0)"
export AGENTHOST_POLICY_SECRET
rm -f "$build/policy-server.port"
/usr/bin/python3 examples/policy_server/policy_server.py --port 0 \
  --port-file "$build/policy-server.port" >/dev/null 2>"$build/policy-server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$build/policy-server.port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$build/policy-server.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$build/policy-server.port" ] || { echo "the policy server did not start" >&2; exit 1; }
policy_url="http://127.0.0.1:$(cat "$build/policy-server.port")/hook"
echo "listening on $policy_url (pid $server_pid), requests must be signed"

step "Running the C example: cache, sessions, PreToolUse verdicts from the policy server"
AGENTHOST_POLICY_URL=$policy_url "$build/examples/agenthost-example-c" cache sessions policy
echo "the policy server saw:"
sed 's/^/  /' "$build/policy-server.log"

step "Stopping the policy server (pid $server_pid): PreToolUse now fails closed"
stop_server
AGENTHOST_POLICY_DOWN_URL=$policy_url "$build/examples/agenthost-example-c" fail-closed

step "Done. The same steps from C++ and Python:"
echo "  $build/examples/agenthost-example-cpp"
echo "  /usr/bin/python3 -m venv --system-site-packages venv && AGENTHOST_C_LIBRARY=$build/capi/libagenthost_c.so venv/bin/pip install --no-index --no-build-isolation ./python"
echo "  venv/bin/python examples/python/example.py"
echo "(without AGENTHOST_POLICY_URL they skip the policy server; REDIS_URL=redis://... uses Redis)"
