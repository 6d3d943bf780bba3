#!/usr/bin/env python3
"""Rewrites every sample in the docs from its source region (the fix for what
check_docs.sh reports as "the sample differs"). Run from the source tree:

    tests/docs/sync_samples.py
"""
import pathlib
import re

MARKER = re.compile(r"^<!-- sample: ([^# ]+)(?:#([A-Za-z0-9_]+))? -->$")
ANY_MARKER = re.compile(r"\[/?sample:[A-Za-z0-9_]+\]")


def region(path, name):
    lines, inside = [], name is None
    for line in pathlib.Path(path).read_text().split("\n"):
        if name and f"[/sample:{name}]" in line:
            inside = False
        elif name and f"[sample:{name}]" in line:
            inside = True
        elif inside and not ANY_MARKER.search(line):
            lines.append(line)
    while lines and not lines[-1].strip():
        lines.pop()
    indent = min((len(l) - len(l.lstrip(" ")) for l in lines if l.strip()), default=0)
    return [l[indent:] for l in lines]


def sync(doc):
    lines = doc.read_text().split("\n")
    out, i, changed = [], 0, False
    while i < len(lines):
        out.append(lines[i])
        m = MARKER.match(lines[i])
        if m and i + 1 < len(lines) and lines[i + 1].startswith("```"):
            out.append(lines[i + 1])
            end = i + 2
            while not lines[end].startswith("```"):
                end += 1
            body = region(m.group(1), m.group(2))
            changed |= body != lines[i + 2 : end]
            out.extend(body)
            i = end
            continue
        i += 1
    if changed:
        doc.write_text("\n".join(out))
        print(f"updated {doc}")


for doc in sorted(pathlib.Path("docs").rglob("*.md")) + [pathlib.Path("README.md")]:
    sync(doc)
