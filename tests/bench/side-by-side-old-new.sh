#!/usr/bin/env bash
# side-by-side.sh plus the pretraining step of an older build of clipvr in the same sitting (an A/B of a kernel change
# against PyTorch). OLD is a second checkout, built (`./clipvr build`), of the commit to compare with.
#
#   OLD=../clipvr-old tests/bench/side-by-side-old-new.sh [--python V/bin/python] [--shared ../shared] [--reps 5] > bench.log 2>&1
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ -n ${OLD:-} && -x $OLD/clipvr ]] || { echo "set OLD to a built checkout of the old commit" >&2; exit 2; }
source tests/bench/common.sh "$@"
echo "# flags: $(grep -o 'avx[^ ]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "# clipvr $(git rev-parse --short HEAD) (new), $OLD at $(git -C "$OLD" rev-parse --short HEAD) (old); $("$PY" -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)')"
for round in 1 2; do
  echo "## round $round"
  echo "# old code:"; (cd "$OLD" && $T ./clipvr bench --what pretrain-step --reps "$REPS")
  echo "# new code:"; $T ./clipvr bench --what pretrain-step --reps "$REPS"
  $T "$PY" "$SHARED/bench/torch_pretrain_bench.py" --reps "$REPS" --threads 2
  ./clipvr bench --weights "$W" --what image --batch 32 --reps "$REPS"
  "$PY" "$SHARED/bench/torch_clip_bench.py" --what image --batch 32 --reps "$REPS" --threads 2
  for b in 32 256; do
    ./clipvr bench --weights "$W" --what text --batch $b --prompt-tokens 14 --reps "$REPS"
    "$PY" "$SHARED/bench/torch_clip_bench.py" --what text --batch $b --reps "$REPS" --threads 2
  done
  CLIPVR_JAVA_OPTS=-Xmx2g $T ./clipvr bench --weights "$W" --what train-step --batch 32 --reps "$REPS"
  $T "$PY" "$SHARED/bench/torch_clip_bench.py" --what train-step --batch 32 --reps "$REPS" --threads 2
done
echo "# end $(date -u '+%F %T UTC')"
