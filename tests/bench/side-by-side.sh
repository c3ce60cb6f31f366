#!/usr/bin/env bash
# clipvr vs PyTorch on this machine, one sitting, A-B pairs (issue 9): ViT-B/32 image forward (batch 32), text forward
# (batch 32 and 256, 14-token prompts as the peer's), the VR train step at batch 32 in a 2 GB heap with both processes'
# peak RSS, and the pretraining step of the small CLIP (the peer's defaults = clipvr-mini's shapes, batch 256).
# Random weights on both sides. Each clipvr line ends with its median, raw runs, peak heap and peak RSS.
#
#   python3 -m venv V && V/bin/pip install torch transformers      # the peer (not needed by the build or the tests)
#   tests/bench/side-by-side.sh [--python V/bin/python] [--shared ../shared] [--reps 5] > bench.log 2>&1
# With OLD=<a built checkout of an older commit> each round also runs that build's pretraining step (an A/B of a kernel
# change in the same sitting as the peer).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bench/common.sh "$@"
[[ -z ${OLD:-} || -x $OLD/clipvr ]] || { echo "OLD=$OLD is not a clipvr checkout" >&2; exit 2; }
echo "# clipvr $(git rev-parse --short HEAD)${OLD:+, old: $OLD at $(git -C "$OLD" rev-parse --short HEAD)}; $("$PY" -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)')"
for round in 1 2; do
  echo "## round $round"
  ./clipvr bench --weights "$W" --what image --batch 32 --reps "$REPS"
  "$PY" "$SHARED/bench/torch_clip_bench.py" --what image --batch 32 --reps "$REPS" --threads 2
  for b in 32 256; do
    ./clipvr bench --weights "$W" --what text --batch $b --prompt-tokens 14 --reps "$REPS"
    "$PY" "$SHARED/bench/torch_clip_bench.py" --what text --batch $b --reps "$REPS" --threads 2
  done
  CLIPVR_JAVA_OPTS=-Xmx2g $T ./clipvr bench --weights "$W" --what train-step --batch 32 --reps "$REPS"
  $T "$PY" "$SHARED/bench/torch_clip_bench.py" --what train-step --batch 32 --reps "$REPS" --threads 2
  [[ -n ${OLD:-} ]] && { echo "# old code:"; (cd "$OLD" && $T ./clipvr bench --what pretrain-step --reps "$REPS"); }
  $T ./clipvr bench --what pretrain-step --reps "$REPS"
  $T ./clipvr bench --what pretrain-step --reps "$REPS" --replicas 2            # the same step, data parallel (pretrain --replicas)
  $T "$PY" "$SHARED/bench/torch_pretrain_bench.py" --reps "$REPS" --threads 2
done
