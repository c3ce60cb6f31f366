#!/usr/bin/env python3
"""Validation top-1 (last epoch) of every schedule-search cell (weights/tools/clipvr-mini-schedule-search.sh), with
the final train accuracy on the 160 shots. Usage: python3 weights/tools/clipvr-mini-schedule-search.py runs/schedule-search"""
import sys
from clipvr_runs import completed_runs
root = sys.argv[1] if len(sys.argv) > 1 else "runs/schedule-search"
print("| dataset | method | epochs | lr | inner | label mapping | val top-1 % (last epoch) | train top-1 % (last epoch) | wall s |")
print("|---|---|---:|---:|---:|---|---:|---:|---:|")
for ds, run, r in completed_runs(root):
    c, last = r["config"], r["epochs"][-1]
    print(f"| {ds} | {c['method']} | {c['epochs']} | {c['lr']:g} | {c.get('inner', '')} | {c.get('label_mapping') or ''} | {100 * last['val_accuracy']:.2f} | "
          f"{100 * last['train_accuracy']:.2f} | {r.get('wall_seconds', 0):.0f} |")
