#!/usr/bin/env python3
"""The reprogramming table of weights/clipvr-mini.md from the cells' results.json files under runs/table:
mean ± sample std (n − 1) over seeds of the last-epoch test top-1, in points, with epochs and wall time per run.
With --json FILE it also writes every cell's own numbers (the ones behind the table) to FILE; with --merge as well, the
cells already in FILE that the run directory does not hold are kept (a run directory is a working copy, the JSON is
what the repository keeps), and the table is printed over both.

Usage: python3 weights/tools/clipvr-mini-table.py runs/table [--json weights/clipvr-mini-table.json [--merge]]"""
import json, os, statistics, sys
from clipvr_runs import completed_runs
args = sys.argv[1:]
out, merge = None, "--merge" in args
if merge: args.remove("--merge")
if "--json" in args:
    i = args.index("--json"); out = args[i + 1]; del args[i:i + 2]
if merge and not out: sys.exit("--merge needs --json FILE")
root = args[0] if args else "runs/table"
rows, cells = {}, []
for ds, run, r in completed_runs(root):
    method, seed = run.rsplit("-s", 1)   # method-VARIANT for a variant's cells (clipvr-mini-table.sh --variant)
    c = r["config"]
    variant = method[len(c["method"]) + 1:] or None
    cells.append({"dataset": ds, "method": c["method"], "variant": variant, "seed": int(seed), "test_images": r["last"]["images"],
                  "top1": r["last"]["top1"], "top5": r["last"].get("top5"), "epoch": r["last"]["epoch"],
                  "epochs": c.get("epochs"), "wall_seconds": round(r.get("wall_seconds", 0), 1),
                  "lr": c.get("lr"), "optimizer": c.get("optimizer"), "batch": c.get("batch"), "inner": c.get("inner"),
                  "logit_scale": c.get("logit_scale"), "weights_sha256": c.get("weights_sha256")})
    if c.get("label_mapping"):   # the label head is the default; a mapping names its kind and source-classes file
        src = c.get("source_classes") or ""
        cells[-1].update({"label_mapping": c["label_mapping"],
                          "source_classes": src if src.startswith("bundled:") else os.path.basename(src)})
        if c.get("source_descriptions"):   # AttrVR over the source classes' descriptions: their dataset keys
            cells[-1]["source_descriptions"] = c["source_descriptions"]
        if c.get("blm_lap") is not None:   # BLM / BLM+: the Laplace smoothing (and BLM+'s top-k ratio)
            cells[-1]["blm_lap"] = c["blm_lap"]
            if c.get("blm_topk_ratio") is not None: cells[-1]["blm_topk_ratio"] = c["blm_topk_ratio"]
    if c.get("augment", "papers") != "papers":   # the papers' training augmentation is the default
        cells[-1]["augment"] = c["augment"]

def row(cell):   # a table row: (dataset, method[-variant])
    return (cell["dataset"], cell["method"] + ("-" + cell["variant"] if cell["variant"] else ""))
def key(cell):   # a cell, ordered as its run directory name
    return (cell["dataset"], row(cell)[1] + "-s" + str(cell["seed"]))
if merge:
    have = {key(c) for c in cells}
    with open(out) as fh:
        cells += [c for c in json.load(fh)["cells"] if key(c) not in have]
    cells.sort(key=key)
for cell in cells:
    rows.setdefault(row(cell), []).append((cell["top1"], cell["epochs"], cell["wall_seconds"]))
print("| dataset | method | seeds | top-1 % (mean ± sample std) | epochs | wall s per run (mean) |")
print("|---|---|---:|---:|---:|---:|")
for (ds, m), v in sorted(rows.items()):
    acc = [100 * a for a, _, _ in v]
    sd = statistics.stdev(acc) if len(acc) > 1 else 0.0
    wall = [w for _, _, w in v if w is not None]
    print(f"| {ds} | {m} | {len(v)} | {statistics.mean(acc):.2f} ± {sd:.2f} | {v[0][1] or '-'} | {statistics.mean(wall) if wall else 0:.0f} |")
if out:
    with open(out, "w") as fh:
        json.dump({"source": "weights/tools/clipvr-mini-table.sh cells (runs/table/<dataset>/<method>[-<variant>]-s<seed>/results.json)",
                   "cells": cells}, fh, indent=1)
        fh.write("\n")
