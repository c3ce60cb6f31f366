"""The completed `./clipvr train` runs under ROOT/<dataset>/<run>/results.json, shared by the clipvr-mini tools
(table, frame search, schedule search): yields (dataset, run directory name, parsed results.json)."""
import json, os


def completed_runs(root):
    for ds in sorted(os.listdir(root)):
        for run in sorted(os.listdir(os.path.join(root, ds))):
            f = os.path.join(root, ds, run, "results.json")
            if not os.path.exists(f): continue
            r = json.load(open(f))
            if r.get("status") == "completed": yield ds, run, r
