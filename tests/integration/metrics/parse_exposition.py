#!/usr/bin/python3
"""Parses a Prometheus text exposition with prometheus_client's own parser (Debian's
python3-prometheus-client) and prints one line per sample, `name{label="value",...} value`
with the labels sorted, then `families N`. A text the parser refuses is an exception (exit 1).

usage: parse_exposition.py FILE
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    families = 0
    for family in text_string_to_metric_families(text):
        families += 1
        if not family.documentation:
            raise SystemExit(f"family {family.name} has no HELP")
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            name = sample.name + ("{" + labels + "}" if labels else "")
            print(f"{name} {sample.value!r}")
    print(f"families {families}")


if __name__ == "__main__":
    main()
