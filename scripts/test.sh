#!/usr/bin/env bash
# Installs the dependencies, builds agenthost with warnings as errors and runs the whole test
# suite. The tests start their own redis-server(s) and HTTP servers on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${AGENTHOST_BUILD_DIR:-build/test}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGENTHOST_WERROR=ON
cmake --build "$build" --parallel "$(nproc)"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 300
