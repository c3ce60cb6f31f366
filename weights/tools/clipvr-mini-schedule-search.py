#!/usr/bin/env python3
"""Validation top-1 (last epoch) of every schedule-search cell (weights/tools/clipvr-mini-schedule-search.sh), with
the final train accuracy on the 160 shots. A cell run with several seeds (its directories <cell> and <cell>-s<S>) is
one row: mean ± sample std over its seeds, the seeds' values in order.
Usage: python3 weights/tools/clipvr-mini-schedule-search.py runs/schedule-search"""
import re, statistics, sys
from clipvr_runs import completed_runs
root = sys.argv[1] if len(sys.argv) > 1 else "runs/schedule-search"
cells = {}
for ds, run, r in completed_runs(root):
    c, last = r["config"], r["epochs"][-1]
    name = re.sub(r"-s\d+$", "", run) if c.get("seed", 0) != 0 else run
    cells.setdefault((ds, name), []).append((c.get("seed", 0), c, last, r.get("wall_seconds", 0)))

def spread(xs):
    return f"{statistics.mean(xs):.2f}" + (f" ± {statistics.stdev(xs):.2f}" if len(xs) > 1 else "")

print("| dataset | cell | method | epochs | lr | inner | label mapping | augment | seeds | val top-1 % (last epoch) | per seed | train top-1 % (last epoch) | wall s per run |")
print("|---|---|---|---:|---:|---:|---|---|---:|---:|---|---:|---:|")
for (ds, name), runs in sorted(cells.items()):
    runs.sort(key=lambda x: x[0])
    c = runs[0][1]
    val = [100 * last["val_accuracy"] for _, _, last, _ in runs]
    train = [100 * last["train_accuracy"] for _, _, last, _ in runs]
    per = " / ".join(f"{v:.2f}" for v in val) if len(runs) > 1 else ""
    print(f"| {ds} | {name} | {c['method']} | {c['epochs']} | {c['lr']:g} | {c.get('inner', '')} | {c.get('label_mapping') or ''} | {c.get('augment') or 'papers'} | "
          f"{','.join(str(s) for s, _, _, _ in runs)} | {spread(val)} | {per} | {spread(train)} | {statistics.mean(w for *_, w in runs):.0f} |")
