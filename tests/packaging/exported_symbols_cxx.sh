#!/usr/bin/env bash
# The shared C++ library (AGENTHOST_SHARED_CXX) exports only agenthost's public C++ API: names in
# namespace agenthost that start with an upper-case letter (its classes and their members), their
# type information and vtables, and the public free functions, each with the version
# AGENTHOST_CXX_<major>.<minor>; nothing of the internal namespaces (agenthost::detail, ...) or of
# the bundled dependencies (hiredis, fmt, simdjson, ...). Its SONAME is libagenthost_cxx.so.<major>.<minor>.
# Usage: exported_symbols_cxx.sh <libagenthost_cxx.so> <major.minor version>
set -euo pipefail
lib=$1 soversion=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "exported C++ symbols: FAILED: $*" >&2; exit 1; }

nm -D --defined-only "$lib" | awk '{print $NF}' | grep -v '^AGENTHOST_CXX_[0-9.]*$' |
  sort -u >"$work/raw"
[ -s "$work/raw" ] || fail "$lib exports nothing"
if grep -v '@@AGENTHOST_CXX_[0-9][0-9]*\.[0-9][0-9]*$' "$work/raw" >"$work/unversioned"; then
  fail "exports without an AGENTHOST_CXX_x.y version: $(head -5 "$work/unversioned" | tr '\n' ' ')"
fi
sed 's/@@.*//' "$work/raw" | c++filt >"$work/demangled"
public='^((typeinfo|typeinfo name|vtable) for )?agenthost::[A-Z]'
free='^agenthost::(version|errc_name|decision_name|session_status_name|parse_session_status|internal_event_kind_name|set_internal_event_listener|prometheus_text|metrics_json)(\[abi:cxx11\])?\('
if grep -Ev "$public|$free" "$work/demangled" >"$work/foreign"; then
  fail "exports beyond the public API: $(head -10 "$work/foreign" | tr '\n' '|')"
fi
# A public class's private implementation (HookPolicy::Impl) is no part of the API.
if grep -F '::Impl' "$work/demangled" >"$work/impl"; then
  fail "exports an implementation type: $(head -3 "$work/impl" | tr '\n' '|')"
fi
for want in 'agenthost::version()' 'agenthost::CacheClient::CacheClient(' \
  'agenthost::SessionStore::list(' 'agenthost::HookPolicy::evaluate(' \
  'typeinfo for agenthost::Error' 'agenthost::prometheus_text' \
  'agenthost::set_internal_event_listener('; do
  grep -qF "$want" "$work/demangled" || fail "does not export $want"
done

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libagenthost_cxx.so.$soversion" ] || fail "SONAME is '$soname'"
echo "exported C++ symbols: ok ($(wc -l <"$work/demangled") symbols, SONAME $soname)"
