#!/usr/bin/env bash
# The shared C library exports exactly the functions agenthost.h declares (all agenthost_*),
# nothing else, each with a default version of the linker map's AGENTHOST_<major>.<minor> nodes,
# and its SONAME is libagenthost_c.so.<major>.
# Usage: exported_symbols.sh <libagenthost_c.so> <agenthost.h> <major version>
set -euo pipefail
lib=$1 header=$2 major=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "exported symbols: FAILED: $*" >&2; exit 1; }

# Names as "name" (a version suffix such as name@@NODE would be the version-script node).
# (The version nodes themselves appear as absolute symbols AGENTHOST_x.y; they are not functions.)
nm -D --defined-only "$lib" | awk '{print $NF}' | grep -v '^AGENTHOST_[0-9.]*$' | sed 's/@.*//' |
  sort -u >"$work/exported"
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

# Every export is versioned (name@@AGENTHOST_x.y): an unversioned one means the map lost its node.
nm -D --defined-only "$lib" | awk '{print $NF}' | sort -u >"$work/versioned"
if grep -v '^agenthost_[a-z0-9_]*@@AGENTHOST_[0-9][0-9]*\.[0-9][0-9]*$' "$work/versioned" |
  grep -v '^AGENTHOST_[0-9.]*$' >"$work/unversioned"; then
  fail "exports without an AGENTHOST_x.y version: $(head -20 "$work/unversioned" | tr '\n' ' ')"
fi
nodes=$(sed -n 's/.*@@//p' "$work/versioned" | sort -u | tr '\n' ' ')

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libagenthost_c.so.$major" ] || fail "SONAME is '$soname'"
echo "exported symbols: ok ($(wc -l <"$work/exported") agenthost_* functions, versions ${nodes% }, SONAME $soname)"
