#!/usr/bin/env bash
# Validation-split choice of the frame size (--inner) of the frame methods on clipvr-mini (R = 32), where the papers'
# rule (made for 224 px) leaves AR/AttrVR a 2-pixel frame and VP a 4-pixel border. Each cell is an ordinary
# `./clipvr train` run, seed 0, 16 shots per class, 30 epochs (the table's), defaults otherwise, that holds out a
# stratified 2 % of the TRAIN split (1,200 images, disjoint from the shots) as validation and is judged on that
# validation accuracy only (--test-limit 10: the test split is not looked at). Read the choice with
#   python3 weights/tools/clipvr-mini-frame-search.py runs/frame-search
set -euo pipefail
cd "$(dirname "$0")/../.."
MNIST=data/mnist; METHODS="ar vp attrvr"; OUT=runs/frame-search
while (( $# )); do
  case "$1" in --mnist) MNIST=$2; shift 2;; --methods) METHODS=$2; shift 2;; --out) OUT=$2; shift 2;;
    *) echo "unknown flag $1" >&2; exit 2;; esac
done
for m in $METHODS; do
  if [[ $m == vp ]]; then INNERS="16 20 24"; else INNERS="16 20 24 28"; fi   # 24 (VP) and 28: the papers' rule at 32 px
  for ds in "mnist:$MNIST" fashion-mnist; do
    for inner in $INNERS; do
      run=$OUT/${ds%%:*}/$m-inner$inner
      if [[ -f $run/results.json ]] && grep -q '"status" : "completed"' "$run/results.json"; then continue; fi
      echo "== $run"
      ./clipvr train --method "$m" --weights weights/clipvr-mini.safetensors --data "$ds" --shots 16 --seed 0 --epochs 30 \
        --eval-every 30 --inner "$inner" --val-fraction 0.02 --test-limit 10 --out "$run" --quiet
    done
  done
done
