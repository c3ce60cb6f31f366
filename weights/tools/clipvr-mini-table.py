#!/usr/bin/env python3
"""Mean ± std (population std over seeds, in points) of the last-epoch test top-1 of every cell under runs/table,
with epochs and wall time, read from each run's results.json. Usage: python3 weights/tools/clipvr-mini-table.py runs/table"""
import json, os, statistics, sys
root = sys.argv[1] if len(sys.argv) > 1 else "runs/table"
rows = {}
for ds in sorted(os.listdir(root)):
    for run in sorted(os.listdir(os.path.join(root, ds))):
        f = os.path.join(root, ds, run, "results.json")
        if not os.path.exists(f): continue
        r = json.load(open(f))
        if r.get("status") != "completed": continue
        method = run.rsplit("-s", 1)[0]
        rows.setdefault((ds, method), []).append((r["last"]["top1"], r["config"].get("epochs"), r.get("wall_seconds", r.get("wallSeconds"))))
print("| dataset | method | seeds | top-1 % (mean ± std) | epochs | wall s per run (mean) |")
print("|---|---|---:|---:|---:|---:|")
for (ds, m), v in sorted(rows.items()):
    acc = [100 * a for a, _, _ in v]
    sd = statistics.pstdev(acc) if len(acc) > 1 else 0.0
    wall = [w for _, _, w in v if w is not None]
    print(f"| {ds} | {m} | {len(v)} | {statistics.mean(acc):.2f} ± {sd:.2f} | {v[0][1] or '-'} | {statistics.mean(wall) if wall else 0:.0f} |")
