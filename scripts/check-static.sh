#!/usr/bin/env bash
# Static checks: formatting (clang-format, .clang-format) of every tracked C/C++ file, then
# clang-tidy (.clang-tidy, every warning an error) over the sources in src/ and capi/, then the
# relative links of the Markdown files (scripts/check-doc-links.py).
#   AGENTHOST_TIDY_BUILD_DIR  where the compile database is configured (default build/tidy)
#   AGENTHOST_STATIC_CHECKS   "format tidy docs" (default) or any of them
#   AGENTHOST_TIDY_FILES      space-separated subset of sources for clang-tidy (e.g. while fixing)
set -euo pipefail
cd "$(dirname "$0")/.."
checks=${AGENTHOST_STATIC_CHECKS:-"format tidy docs"}
build=${AGENTHOST_TIDY_BUILD_DIR:-build/tidy}
jobs=$(nproc)
clang_format=$(command -v clang-format-14 || command -v clang-format)
clang_tidy=$(command -v clang-tidy-14 || command -v clang-tidy)

check_format() {
  local start=$SECONDS
  # --Werror: any file clang-format would change fails, with the lines it would change.
  git ls-files -z -- '*.c' '*.h' '*.cc' '*.cpp' '*.hpp' '*.cxx' '*.hxx' |
    xargs -0 -r "$clang_format" --dry-run --Werror || {
    echo "static: format FAILED (fix: clang-format -i <file>)" >&2
    return 1
  }
  echo "static: format ok ($((SECONDS - start)) s)"
}

check_tidy() {
  local start=$SECONDS
  # Configuring is enough: it writes compile_commands.json and generates version.hpp, the only
  # generated header. Tests, examples and benchmarks are not analysed, so they are not configured.
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DAGENTHOST_BUILD_TESTS=OFF \
    -DAGENTHOST_BUILD_EXAMPLES=OFF -DAGENTHOST_BUILD_BENCH=OFF >/dev/null || return 1
  local files
  if [ -n "${AGENTHOST_TIDY_FILES:-}" ]; then
    files=$AGENTHOST_TIDY_FILES
  else
    files=$(/usr/bin/python3 - "$build/compile_commands.json" "$PWD" <<'PY'
import json, os, sys
root = sys.argv[2]
for entry in json.load(open(sys.argv[1])):
    path = os.path.relpath(os.path.join(entry["directory"], entry["file"]), root)
    if path.startswith(("src/", "capi/")):
        print(path)
PY
)
  fi
  local log="$build/clang-tidy.log" status=0
  # One clang-tidy per file, nproc at a time; --quiet drops the "N warnings suppressed" chatter.
  # shellcheck disable=SC2086
  printf '%s\n' $files | sort -u |
    xargs -r -P "$jobs" -n 1 "$clang_tidy" -p "$build" --quiet --use-color=false \
      >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    # Headers are analysed with every file that includes them: show each finding once.
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning):' "$log" | sort -u >&2 || cat "$log" >&2
    echo "static: clang-tidy FAILED ($((SECONDS - start)) s); full output: $log" >&2
    return 1
  fi
  # shellcheck disable=SC2086
  echo "static: clang-tidy ok, $(printf '%s\n' $files | wc -l) files ($((SECONDS - start)) s)"
}

check_docs() {
  /usr/bin/python3 scripts/check-doc-links.py || {
    echo "static: doc links FAILED" >&2
    return 1
  }
}

# Every check runs even when an earlier one fails, so one run shows every finding.
failed=()
for check in $checks; do
  case $check in
    format) check_format || failed+=(format) ;;
    tidy) check_tidy || failed+=(clang-tidy) ;;
    docs) check_docs || failed+=(docs) ;;
    *) echo "check-static: unknown check '$check' (format, tidy, docs)" >&2; exit 2 ;;
  esac
done
if [ "${#failed[@]}" -ne 0 ]; then
  echo "static: FAILED: ${failed[*]}" >&2
  exit 1
fi
