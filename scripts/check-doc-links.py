#!/usr/bin/env python3
"""Checks the relative links of every Markdown file in the repository: the target exists, it is
inside the repository, and an #anchor names a heading of the target (GitHub's slugs).
Usage: check-doc-links.py [repository root]; exit 1 on any broken link, each one printed."""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
FENCE = re.compile(r"^(```|~~~)")


def markdown_files():
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "*.md"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [f for f in out.split() if os.path.exists(os.path.join(ROOT, f))]


def prose(path):
    """The lines of a Markdown file outside fenced code blocks."""
    code = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if FENCE.match(line):
                code = not code
            elif not code:
                yield line


def slugs(path):
    """GitHub's anchors of the headings: lower case, punctuation dropped, spaces to '-',
    repeated headings numbered -1, -2, ..."""
    out, seen = set(), {}
    for line in prose(path):
        m = re.match(r"^#{1,6} (.*)", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def broken_links(rel):
    path = os.path.join(ROOT, rel)
    text = "".join(re.sub(r"`[^`]*`", "", line) for line in prose(path))
    for m in re.finditer(r"\]\(([^)\s]+)\)", text):
        target = m.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # an absolute URL (https:, mailto:)
        file_part, _, anchor = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
        if os.path.commonpath([ROOT, dest]) != ROOT:
            yield f"{rel}: {target}: points outside the repository"
        elif not os.path.exists(dest):
            yield f"{rel}: {target}: no such file"
        elif anchor and dest.endswith(".md") and anchor not in slugs(dest):
            yield f"{rel}: {target}: no heading for #{anchor}"


def main():
    files = markdown_files()
    bad = [problem for rel in files for problem in broken_links(rel)]
    for problem in bad:
        print(problem, file=sys.stderr)
    print(f"doc links: {len(files)} Markdown files, {len(bad)} broken links")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
