#!/usr/bin/python3
"""Parses a Prometheus text exposition with prometheus_client's own parser (Debian's
python3-prometheus-client) and prints one line per sample, `name{label=<json string>,...} value`
with the labels sorted (label values as JSON strings, so a quote, backslash or newline in one
stays on its line), then `families N`. Fails (exit 1) when the parser refuses the text, a family
has no HELP, a family name repeats, or a histogram's buckets decrease or its +Inf bucket is not
its _count.

usage: parse_exposition.py FILE
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def check_histogram(family):
    series = {}
    for s in family.samples:
        key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        entry = series.setdefault(key, {"buckets": [], "count": None})
        if s.name.endswith("_bucket"):
            entry["buckets"].append((float(s.labels["le"]), s.value))
        elif s.name.endswith("_count"):
            entry["count"] = s.value
    for key, entry in series.items():
        buckets = entry["buckets"]
        if not buckets or buckets[-1][0] != float("inf"):
            raise SystemExit(f"{family.name}{key}: no +Inf bucket last")
        values = [v for _, v in buckets]
        if values != sorted(values) or [b for b, _ in buckets] != sorted(b for b, _ in buckets):
            raise SystemExit(f"{family.name}{key}: buckets are not cumulative in le order")
        if entry["count"] != values[-1]:
            raise SystemExit(f"{family.name}{key}: _count {entry['count']} != +Inf {values[-1]}")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    names = set()
    for family in text_string_to_metric_families(text):
        if family.name in names:
            raise SystemExit(f"family {family.name} appears twice")
        names.add(family.name)
        if not family.documentation:
            raise SystemExit(f"family {family.name} has no HELP")
        if family.type == "histogram":
            check_histogram(family)
        for sample in family.samples:
            labels = ",".join(f"{k}={json.dumps(v)}" for k, v in sorted(sample.labels.items()))
            name = sample.name + ("{" + labels + "}" if labels else "")
            print(f"{name} {sample.value!r}")
    print(f"families {len(names)}")


if __name__ == "__main__":
    main()
