#!/usr/bin/env python3
"""Validation top-1 of every frame-search cell (weights/tools/clipvr-mini-frame-search.sh) and, per method, the frame
with the best mean over MNIST and Fashion-MNIST. Usage: python3 weights/tools/clipvr-mini-frame-search.py runs/frame-search"""
import sys
from clipvr_runs import completed_runs
root = sys.argv[1] if len(sys.argv) > 1 else "runs/frame-search"
val = {}
for ds, run, r in completed_runs(root):
    m, inner = run.rsplit("-inner", 1)
    val.setdefault(m, {}).setdefault(int(inner), {})[ds] = 100 * r["epochs"][-1]["val_accuracy"]
print("| method | inner | MNIST val % | Fashion-MNIST val % | mean |")
print("|---|---:|---:|---:|---:|")
for m, by in sorted(val.items()):
    complete = [i for i in by if len(by[i]) == 2] or list(by)             # choose among frames measured on both targets
    best = max(complete, key=lambda i: sum(by[i].values()) / len(by[i]))
    for i, v in sorted(by.items()):
        mean = sum(v.values()) / len(v)
        print(f"| {m} | {i}{' (chosen)' if i == best else ''} | {v.get('mnist', float('nan')):.2f} | {v.get('fashion-mnist', float('nan')):.2f} | {mean:.2f} |")
