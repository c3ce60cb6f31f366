# Shared by the side-by-side scripts (sourced from the repository root with the script's arguments): the flags, the
# random ViT-B/32 weights both peers run, the RSS wrapper $T, and the header lines naming the machine and versions.
PY=V/bin/python; SHARED=../shared; REPS=5
while (( $# )); do
  case "$1" in --python) PY=$2; shift 2;; --shared) SHARED=$2; shift 2;; --reps) REPS=$2; shift 2;;
    *) echo "unknown flag $1" >&2; exit 2;; esac
done
W=runs/bench/vit-b32-random.safetensors
mkdir -p runs/bench
[[ -f $W ]] || ./clipvr init --arch ViT-B/32 --out "$W" --seed 0
T="/usr/bin/time -f peak_rss_kib=%M"
echo "# $(date -u '+%F %T UTC'); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load $(cut -d' ' -f1-3 /proc/loadavg)"
