#!/usr/bin/env python3
"""Checks a trace.perfetto.json as Perfetto and chrome://tracing read it:
{"traceEvents": [...]}, a named track (thread_name) per task, complete
slices (ph X with ts, dur, pid, tid) that nest properly on each track
(a viewer drops slices that overlap without nesting), running and sleeping
slices, and flow events whose start (s) and end (f) pair up by id.

usage: check_perfetto.py FILE TASK...   (TASK: every task, in order)"""
import json
import sys


def main(argv):
    path, tasks = argv[1], argv[2:]
    events = json.load(open(path))["traceEvents"]
    problems = []
    names = {e["tid"]: e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    for i, t in enumerate(tasks):
        if names.get(i + 1) != t:
            problems.append(f"track {i + 1} is {names.get(i + 1)!r}, expected {t!r}")
    by_tid = {}
    for e in events:
        if e["ph"] == "X":
            for k in ("name", "cat", "ts", "dur", "pid", "tid"):
                if k not in e:
                    problems.append(f"slice without '{k}': {e}")
            by_tid.setdefault(e["tid"], []).append((e["ts"], -e["dur"], e["name"]))
    for tid, slices in by_tid.items():
        open_ends = []
        for ts, neg_dur, name in sorted(slices):
            while open_ends and open_ends[-1] <= ts:
                open_ends.pop()
            end = ts - neg_dur
            if open_ends and end > open_ends[-1]:
                problems.append(f"track {tid}: '{name}' at {ts} overlaps without nesting")
            open_ends.append(end)
    cats = {e.get("cat") for e in events if e["ph"] == "X"}
    for c in ("op", "running", "sleep", "lock"):
        if c not in cats:
            problems.append(f"no '{c}' slices")
    starts = {e["id"] for e in events if e["ph"] == "s"}
    ends = {e["id"] for e in events if e["ph"] == "f"}
    if not starts or starts != ends:
        problems.append(f"flow events do not pair up: starts {sorted(starts)}, ends {sorted(ends)}")
    for p in problems[:20]:
        print(f"{path}: {p}")
    if not problems:
        print(f"{path}: {len(events)} events, {len(starts)} wake arrows, nesting ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
