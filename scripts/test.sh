#!/usr/bin/env bash
# Installs the dependencies, builds agenthost with warnings as errors and runs the whole test
# suite, then the hardening stages: static checks, the suite under ASan+UBSan, the concurrency
# tests under TSan, and every fuzz target for a bounded time. The tests start their own
# redis-server(s) and HTTP servers on loopback. Each stage is a script of its own and can be run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/test-suite.sh
for stage in scripts/check-static.sh scripts/test-sanitizers.sh scripts/run-fuzzers.sh; do
  bash "$stage"
done
