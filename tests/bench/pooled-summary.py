#!/usr/bin/env python3
"""Pools the raw runs of tests/bench/side-by-side-pooled.sh: one line per measurement, its runs over all rounds.

Input lines: '<name> <batch> ... [t1, t2, ...] ...' (clipvr's 'runs: [...]' or PyTorch's 'runs=[...]'; the last
bracketed list of a line is its runs) and optionally 'peak_rss_kib=N'. Output: name, number of runs, median and
best (fastest run) as items per second, the ratio clipvr/PyTorch of both where the pair exists, peak RSS.
"""
import re
import statistics
import sys

runs, rss, batch, order = {}, {}, {}, []
for line in open(sys.argv[1]):
    m = re.match(r'(\S+) (\d+) ', line)
    lists = re.findall(r'\[([0-9., ]+)\]', line)
    if not m or not lists:
        continue
    name = m.group(1)
    if name not in runs:
        order.append(name)
        runs[name] = []
    batch[name] = int(m.group(2))
    runs[name] += [float(x) for x in lists[-1].split(',')]
    r = re.search(r'peak_rss_kib=(\d+)', line)
    if r:
        rss.setdefault(name, []).append(int(r.group(1)) / 1024 / 1024)

def rate(name, f):
    return batch[name] / f(runs[name])

print(f"{'measurement':28s} {'runs':>4s} {'median/s':>9s} {'best/s':>8s}  vs PyTorch (median, best)  peak RSS GiB")
for name in order:
    med, best = rate(name, statistics.median), rate(name, min)
    peer = 'torch-' + name.split('-', 1)[1].replace('-replicas2', '') if not name.startswith('torch-') else None
    vs = (f"{med / rate(peer, statistics.median):.2f}, {best / rate(peer, min):.2f}"
          if peer in runs else '')
    mem = f"{min(rss[name]):.2f}-{max(rss[name]):.2f}" if name in rss else ''
    print(f"{name:28s} {len(runs[name]):4d} {med:9.2f} {best:8.2f}  {vs:25s} {mem}")
