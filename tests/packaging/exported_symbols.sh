#!/usr/bin/env bash
# The shared C library exports exactly the functions agenthost.h declares (all agenthost_*),
# nothing else, and its SONAME is libagenthost_c.so.<major>.
# Usage: exported_symbols.sh <libagenthost_c.so> <agenthost.h> <major version>
set -euo pipefail
lib=$1 header=$2 major=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "exported symbols: FAILED: $*" >&2; exit 1; }

# Names as "name" (a version suffix such as name@@NODE would be the version-script node).
nm -D --defined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | sort -u >"$work/exported"
grep 'AGENTHOST_API' "$header" | grep -o 'agenthost_[a-z0-9_]*(' | tr -d '(' | sort -u \
  >"$work/declared"
[ -s "$work/declared" ] || fail "found no AGENTHOST_API declarations in $header"

if grep -v '^agenthost_' "$work/exported" >"$work/foreign"; then
  fail "exports symbols outside agenthost_*: $(head -20 "$work/foreign" | tr '\n' ' ')"
fi
if ! diff -u "$work/declared" "$work/exported" >"$work/diff"; then
  cat "$work/diff" >&2
  fail "the exported functions differ from agenthost.h's declarations (- declared, + exported)"
fi

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libagenthost_c.so.$major" ] || fail "SONAME is '$soname'"
echo "exported symbols: ok ($(wc -l <"$work/exported") agenthost_* functions, SONAME $soname)"
