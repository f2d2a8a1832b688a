#!/usr/bin/env python3
"""Rewrites tests/known_failures.txt from a differential run's output (stdin): programs that
passed are removed, programs that failed are added. Usage:
  cargo test --release --test differential differential -- --nocapture | python3 scripts/known_failures.py
"""
import re
import sys

path = "tests/known_failures.txt"
lines = open(path).read().splitlines()
header = [l for l in lines if l.startswith("#")]
names = {l.split("#")[0].strip() for l in lines if l.strip() and not l.startswith("#")}
for line in sys.stdin:
    m = re.match(r"^(FAIL|PASS|known|ok) +([a-z0-9_]+)", line)
    if not m:
        continue
    kind, name = m.groups()
    if kind in ("PASS", "ok"):
        names.discard(name)
    elif kind == "FAIL":
        names.add(name)
open(path, "w").write("\n".join(header + sorted(names)) + "\n")
print(f"{len(names)} known failures")
