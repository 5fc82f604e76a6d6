#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (library and targets under ASan+UBSan, coverage
# instrumented) and runs each for a bounded time on a copy of its seed corpus. Fails when a target
# crashes, leaks, trips a sanitizer or breaks one of its properties.
#   AGENTHOST_FUZZ_BUILD_DIR  build directory (default build/fuzz)
#   AGENTHOST_FUZZ_SECONDS    seconds per target (default 30)
#   AGENTHOST_FUZZ_TARGETS    space-separated subset, e.g. "session_record redis_url"
set -euo pipefail
cd "$(dirname "$0")/.."
build=${AGENTHOST_FUZZ_BUILD_DIR:-build/fuzz}
mkdir -p "$build"
build=$(cd "$build" && pwd)
seconds=${AGENTHOST_FUZZ_SECONDS:-30}
targets=${AGENTHOST_FUZZ_TARGETS:-"session_record hook_config webhook_reply redis_url env_options session_requests"}
jobs=$(nproc)
jobs=$((jobs > 2 ? 2 : jobs))

# Inputs larger than any real record, config or reply teach nothing and slow every iteration.
max_len() {
  case $1 in
    redis_url) echo 512 ;;
    env_options) echo 512 ;;
    *) echo 8192 ;;
  esac
}

started=$(date +%s)
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAGENTHOST_BUILD_FUZZERS=ON -DAGENTHOST_BUILD_TESTS=OFF -DAGENTHOST_BUILD_EXAMPLES=OFF \
  -DAGENTHOST_BUILD_BENCH=OFF -DAGENTHOST_WERROR=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
  >/dev/null
# Only the fuzzers and the library they link: the C ABI is not fuzzed here.
cmake --build "$build" --parallel "$jobs" --target $(printf 'fuzz_%s ' $targets)
built=$(date +%s)
echo "fuzz: built in $((built - started)) s; ${seconds} s per target"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

failed=()
for t in $targets; do
  work="$build/fuzz-run/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  # The fuzzer adds inputs to its corpus directory: give it a copy, never the repository's.
  cp -R "tests/fuzz/corpus/$t/." "$work/corpus/"
  log="$work/fuzz.log"
  dict=()
  if [ -f "tests/fuzz/$t.dict" ]; then dict=(-dict="$PWD/tests/fuzz/$t.dict"); fi
  status=0
  (cd "$work" && "$build/tests/fuzz/fuzz_$t" corpus \
    -max_total_time="$seconds" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 \
    -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" \
    >"$log" 2>&1) || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
  corpus=$(find "$work/corpus" -type f | wc -l)
  if [ "$status" -ne 0 ] || grep -aqE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|==fuzz==' "$log"; then
    failed+=("$t")
    printf 'fuzz %-17s FAILED (exit %s) execs=%s %s; log: %s\n' "$t" "$status" "${execs:-?}" \
      "${cov:-}" "$log"
    grep -aE '==fuzz==|ERROR:|runtime error:|SUMMARY|Test unit written' "$log" | head -n 20 || true
    # The artifacts stay on the machine that ran this: print them so a CI log alone reproduces
    # the failure (base64 -d > file, then run the target on the file).
    for a in "$work"/artifacts/*; do
      [ -f "$a" ] || continue
      printf 'fuzz %s input %s (base64): %s\n' "$t" "$(basename "$a")" \
        "$(head -c 8192 "$a" | base64 -w0)"
    done
  else
    printf 'fuzz %-17s ok execs=%s %s corpus=%s\n' "$t" "${execs:-?}" "${cov:-}" "$corpus"
  fi
done

echo "fuzz: total $(($(date +%s) - started)) s"
if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (reproduce: <build>/tests/fuzz/fuzz_<target> <artifact>)" >&2
  exit 1
fi
