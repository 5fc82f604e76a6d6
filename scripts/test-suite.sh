#!/usr/bin/env bash
# Builds agenthost (RelWithDebInfo, warnings as errors) and runs the whole CTest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${AGENTHOST_BUILD_DIR:-build/test}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGENTHOST_WERROR=ON \
  -DAGENTHOST_SHARED_CXX=ON
cmake --build "$build" --parallel "$(nproc)"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 300
