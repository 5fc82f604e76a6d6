#!/usr/bin/env bash
# Installs the dependencies, builds agenthost and its examples, and runs the C example
# (against memory://, or against REDIS_URL when it is set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${AGENTHOST_BUILD_DIR:-build/example}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAGENTHOST_BUILD_TESTS=OFF -DAGENTHOST_BUILD_BENCH=OFF -DAGENTHOST_BUILD_EXAMPLES=ON
cmake --build "$build" --parallel "$(nproc)" --target agenthost_example_c
"$build/examples/agenthost-example-c"
