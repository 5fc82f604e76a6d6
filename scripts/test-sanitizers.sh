#!/usr/bin/env bash
# Runs agenthost's tests under sanitizers (gcc, -O1 -g, every target instrumented through
# -DAGENTHOST_SANITIZE; see cmake/AgenthostSanitizers.cmake). Any report halts the process and so
# fails the test that triggered it.
#   asan  AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer: the whole CTest suite
#         except the `packaging` tests (those install and recompile agenthost with plain flags).
#   tsan  ThreadSanitizer: the multi-threaded tests (ctest -L concurrency) only.
# Environment:
#   AGENTHOST_SANITIZERS      stages to run, default "asan tsan"
#   AGENTHOST_ASAN_BUILD_DIR  default build/asan
#   AGENTHOST_TSAN_BUILD_DIR  default build/tsan
#   AGENTHOST_BUILD_DIR       the plain build (scripts/test-suite.sh, default build/test): when it
#                             has been built, its `concurrency` tests name the programs the TSan
#                             stage builds; otherwise the list below is used.
# Runs from any directory; the programs find the redis-server and python3 they start on PATH and
# at /usr/bin/python3, like the plain suite.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=${AGENTHOST_SANITIZERS:-"asan tsan"}
asan_dir=${AGENTHOST_ASAN_BUILD_DIR:-build/asan}
tsan_dir=${AGENTHOST_TSAN_BUILD_DIR:-build/tsan}
plain_dir=${AGENTHOST_BUILD_DIR:-build/test}
jobs=$(nproc)

# The programs holding `concurrency` tests, for a TSan run without a plain build to ask.
default_tsan_targets="integration_cache_redis_concurrency integration_cache_redis_faults
  cache_contract_memory cache_contract_redis integration_sessions_memory
  integration_sessions_redis integration_hooks hardening_faults cache_contract_cluster
  integration_sessions_cluster integration_cluster integration_cluster_faults"

# -O1: the sanitizers' recommended level (readable stacks, a fraction of -O2's compile time).
configure() {
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DAGENTHOST_SANITIZE="$2" -DAGENTHOST_WERROR=ON \
    -DAGENTHOST_BUILD_EXAMPLES=OFF -DAGENTHOST_BUILD_BENCH=OFF >/dev/null
}

# ThreadSanitizer (gcc 12) cannot map its shadow memory under the high-entropy ASLR of newer
# kernels; without address randomization it always can.
no_aslr=()
if setarch "$(uname -m)" -R true 2>/dev/null; then no_aslr=(setarch "$(uname -m)" -R); fi

run_asan() {
  local start=$SECONDS
  configure "$asan_dir" address,undefined
  cmake --build "$asan_dir" --parallel "$jobs"
  local built=$SECONDS
  # abort_on_error: a core-style stop the test harness reports as a failure, never an exit code a
  # test could mistake for its own. detect_stack_use_after_return costs little at -O1.
  ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$asan_dir" --output-on-failure --parallel "$jobs" --timeout 900 \
      --label-exclude packaging
  echo "sanitizers: asan+ubsan built in $((built - start)) s, suite ran in $((SECONDS - built)) s"
}

tsan_targets() {
  local names=""
  if [ -f "$plain_dir/CTestTestfile.cmake" ]; then
    # Test names are <program>:<case>; fixture set-ups have no colon.
    names=$(ctest --test-dir "$plain_dir" -N -L concurrency 2>/dev/null |
      sed -n 's/^ *Test *#[0-9]*: \([A-Za-z0-9_]*\):.*/\1/p' | sort -u | tr '\n' ' ')
  fi
  echo "${names:-$default_tsan_targets}"
}

run_tsan() {
  local start=$SECONDS targets
  configure "$tsan_dir" thread
  targets=$(tsan_targets)
  # shellcheck disable=SC2086
  cmake --build "$tsan_dir" --parallel "$jobs" --target $targets
  local built=$SECONDS
  local tsan_options=halt_on_error=1:second_deadlock_stack=1:history_size=4
  # Only uninstrumented libraries are ever suppressed there, each entry with its reason.
  if [ -f tests/tsan.supp ]; then tsan_options+=:suppressions=$PWD/tests/tsan.supp; fi
  TSAN_OPTIONS=$tsan_options \
    "${no_aslr[@]}" ctest --test-dir "$tsan_dir" --output-on-failure --parallel "$jobs" \
      --timeout 900 --label-regex concurrency
  echo "sanitizers: tsan built in $((built - start)) s, concurrency tests ran in $((SECONDS - built)) s"
}

for stage in $stages; do
  case $stage in
    asan) run_asan ;;
    tsan) run_tsan ;;
    *) echo "test-sanitizers: unknown stage '$stage' (asan, tsan)" >&2; exit 2 ;;
  esac
done
