#!/usr/bin/env bash
# clipvr and PyTorch side by side in alternating rounds, for a noisy machine: each round runs every measurement of
# both peers once (--reps runs each), one after the other, so a slow spell of the machine falls on both; the summary
# pools every round's raw runs and prints, per measurement, the median and the best (fastest) run over all of them.
# Raw lines first (one per measurement and round), then the summary. Needs what side-by-side.sh needs.
#
#   tests/bench/side-by-side-pooled.sh [--python V/bin/python] [--shared ../shared] [--reps 5] [--rounds 3] [--old DIR]
#   --old DIR: also the pretraining step of another checkout (A/B in the same rounds).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=3; OLDDIR=""; ARGS=()
while (( $# )); do
  case "$1" in --rounds) ROUNDS=$2; shift 2;; --old) OLDDIR=$2; shift 2;; *) ARGS+=("$1"); shift;; esac
done
source tests/bench/common.sh "${ARGS[@]}"
[[ -z $OLDDIR || -x $OLDDIR/clipvr ]] || { echo "--old $OLDDIR is not a clipvr checkout" >&2; exit 2; }
echo "# clipvr $(git rev-parse --short HEAD)${OLDDIR:+, old: $OLDDIR at $(git -C "$OLDDIR" rev-parse --short HEAD)}; $("$PY" -c 'import torch; print("torch", torch.__version__)'); rounds $ROUNDS, --reps $REPS"
RAW=$(mktemp); trap 'rm -f "$RAW"' EXIT
say() { echo "$1" | tee -a "$RAW"; }
c() { ./clipvr bench "$@" --reps "$REPS" 2>&1 | grep -o 'median.*' | tail -1; }
t() { "$PY" "$@" --reps "$REPS" --threads 2 2>&1 | grep -o 'runs=.*'; }
for i in $(seq "$ROUNDS"); do
  say "clipvr-pretrain 256 $(c --what pretrain-step)"
  say "clipvr-pretrain-replicas2 256 $(c --what pretrain-step --replicas 2)"
  [[ -n $OLDDIR ]] && say "old-pretrain 256 $(cd "$OLDDIR" && c --what pretrain-step)"
  say "torch-pretrain 256 $(t "$SHARED/bench/torch_pretrain_bench.py")"
  say "clipvr-image32 32 $(c --weights "$W" --what image --batch 32)"
  say "torch-image32 32 $(t "$SHARED/bench/torch_clip_bench.py" --what image --batch 32)"
  say "clipvr-text32 32 $(c --weights "$W" --what text --batch 32 --prompt-tokens 14)"
  say "torch-text32 32 $(t "$SHARED/bench/torch_clip_bench.py" --what text --batch 32)"
  say "clipvr-text256 256 $(c --weights "$W" --what text --batch 256 --prompt-tokens 14)"
  say "torch-text256 256 $(t "$SHARED/bench/torch_clip_bench.py" --what text --batch 256)"
  say "clipvr-vrstep 32 $(CLIPVR_JAVA_OPTS=-Xmx2g $T ./clipvr bench --weights "$W" --what train-step --batch 32 --reps "$REPS" 2>&1 | grep -o 'train step.*median.*\|peak_rss_kib=.*' | tr '\n' ' ')"
  say "torch-vrstep 32 $($T "$PY" "$SHARED/bench/torch_clip_bench.py" --what train-step --batch 32 --reps "$REPS" --threads 2 2>&1 | grep -o 'runs=.*\|peak_rss_kib=.*' | tr '\n' ' ')"
done
echo "# end $(date -u '+%F %T UTC')"
echo "## pooled over $ROUNDS rounds (items/s from each run's time; peak RSS of the whole process where measured)"
python3 tests/bench/pooled-summary.py "$RAW"
