#!/usr/bin/env python3
"""Writes the demo's Fashion-MNIST subset (MIT-licensed, Zalando Research) as gzipped IDX files.

Rule (seeded): shuffle the indices of each split with Python's random.Random(2026) (train and test each get a fresh
generator with that seed), then walk the shuffled order and keep the first 16 images of every class from the train
split (160 images) and the first 100 of every class from the test split (1,000 images), in the walked order.

Input: the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*.gz) or --src DIR.
Usage: python3 demo/make_subset.py [--src DIR] [--out demo/fashion-mnist]
"""
import argparse, gzip, os, random, struct

p = argparse.ArgumentParser()
p.add_argument("--src", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion-mnist"))
a = p.parse_args()

def read(prefix):
    with gzip.open(os.path.join(a.src, prefix + "-images-idx3-ubyte.gz")) as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16)); assert magic == 2051
        images = f.read()
    with gzip.open(os.path.join(a.src, prefix + "-labels-idx1-ubyte.gz")) as f:
        magic, m = struct.unpack(">II", f.read(8)); assert magic == 2049 and m == n
        labels = f.read()
    return images, labels, rows, cols

def write(prefix, images, labels, rows, cols, keep):
    os.makedirs(a.out, exist_ok=True)
    size = rows * cols
    # mtime=0: the same input gives the same bytes
    with gzip.GzipFile(os.path.join(a.out, prefix + "-images-idx3-ubyte.gz"), "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", 2051, len(keep), rows, cols))
        for i in keep: f.write(images[i * size:(i + 1) * size])
    with gzip.GzipFile(os.path.join(a.out, prefix + "-labels-idx1-ubyte.gz"), "wb", mtime=0) as f:
        f.write(struct.pack(">II", 2049, len(keep)))
        f.write(bytes(labels[i] for i in keep))

for prefix, per_class in (("train", 16), ("t10k", 100)):
    images, labels, rows, cols = read(prefix)
    order = list(range(len(labels)))
    random.Random(2026).shuffle(order)
    count, keep = [0] * 10, []
    for i in order:
        if count[labels[i]] < per_class:
            count[labels[i]] += 1; keep.append(i)
    write(prefix, images, labels, rows, cols, keep)
    print(prefix, len(keep), "images")
