#!/usr/bin/env bash
# The two schedulers of clipvr.tensor.kernels.Parallel side by side in one sitting (issue 9: thread hand-offs):
# team (the default: the caller works, resident workers spin then park) against forkjoin (the caller blocks on a
# ForkJoinPool), alternating, with the PyTorch peer once per round. Random weights. Same chunks, same bits.
#
#   tests/bench/scheduler-ab.sh [--python V/bin/python] [--shared ../shared] [--reps 5] > ab.log 2>&1
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bench/common.sh "$@"
echo "# clipvr $(git rev-parse --short HEAD); $("$PY" -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)')"
for round in 1 2; do
  echo "## round $round"
  for s in team forkjoin; do
    echo "### scheduler $s"
    export CLIPVR_JAVA_OPTS="-Dclipvr.parallel=$s"
    ./clipvr bench --weights "$W" --what image --batch 32 --reps "$REPS"
    for b in 32 256; do ./clipvr bench --weights "$W" --what text --batch $b --prompt-tokens 14 --reps "$REPS"; done
    $T ./clipvr bench --what pretrain-step --reps "$REPS"
  done
  unset CLIPVR_JAVA_OPTS
  echo "### PyTorch"
  "$PY" "$SHARED/bench/torch_clip_bench.py" --what image --batch 32 --reps "$REPS" --threads 2
  for b in 32 256; do "$PY" "$SHARED/bench/torch_clip_bench.py" --what text --batch $b --reps "$REPS" --threads 2; done
  $T "$PY" "$SHARED/bench/torch_pretrain_bench.py" --reps "$REPS" --threads 2
done
