#!/usr/bin/env bash
# Side-by-side training: neurite against PyTorch on this machine.
#
#   scripts/bench-mlp-vs-pytorch.sh [ROUNDS] [HIDDEN] [MODEL] [MAXBATCHES]
#
# MODEL is mlp (default; HIDDEN 128 or 512,256 for mlp-big), lenet5 or lstm;
# MAXBATCHES > 0 times that many batches instead of a whole epoch (the LSTM
# comparison is per training step).
#
# For T = 1 and 2 threads, alternates neurite's "bench mlp" and PyTorch's
# torch_train.py (shared/peers/ann; the same model, SGD 0.1, batch 64, data
# loading excluded) ROUNDS times. PyTorch's figure at T threads is its best
# configuration with at most T threads (its 2-thread runs are often slower
# than 1-thread ones on 2 cores). Prints one JSON line per T with medians.
# Installs Debian's python3-torch if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
hidden=${2:-128}
arch=${3:-mlp}
maxb=${4:-0}
peers=${PEERS:-$(cd .. && pwd)/shared/peers}
py=/usr/bin/python3
if ! $py -c 'import torch' 2>/dev/null; then
  echo "installing Debian's python3-torch" >&2
  apt-get update -qq && apt-get install -y -qq python3-torch python3-numpy >&2
fi
model=$arch
[ "$arch" = mlp ] && [ "$hidden" = "512,256" ] && model=mlp-big
bin=$(mktemp -d)/neurite
go build -o "$bin" ./cmd/neurite
field() { sed -n "s/.*\"$1\": *\([0-9.eE+-]*\).*/\1/p" | head -1; }
median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
torch_epoch() { # threads → seconds of its one epoch
  $py "$peers/ann/torch_train.py" "$model" "$1" 1 "$maxb" | sed -n 's/.*"epoch_seconds": \[\([0-9.eE+-]*\)\].*/\1/p'
}
for t in 1 2; do
  ours=() theirs=() lat=() tlat=()
  for r in $(seq "$rounds"); do
    out=$("$bin" bench "$arch" --hidden "$hidden" --threads "$t" --runs 1 --max-batches "$maxb" --json 2>/dev/null | tr -d '\n')
    ours+=("$(echo "$out" | field median_seconds)")
    lat+=("$(echo "$out" | field inference_latency_seconds)")
    best=$(torch_epoch 1)
    if [ "$t" -ge 2 ]; then
      two=$(torch_epoch 2)
      best=$(echo "$best $two" | awk '{print ($1 < $2 ? $1 : $2)}')
    fi
    theirs+=("$best")
    if [ "$arch" = mlp ]; then
      tlat+=("$($py scripts/peers/torch_latency.py "$t" "${hidden%%,*}" | sed -n 's/.*"inference_latency_seconds": \([0-9.eE+-]*\).*/\1/p')")
    else
      tlat+=(0)
    fi
    echo "threads $t round $r: neurite ${ours[-1]} s, pytorch (best ≤ $t threads) $best s" >&2
  done
  n=$(printf '%s\n' "${ours[@]}" | median)
  p=$(printf '%s\n' "${theirs[@]}" | median)
  l=$(printf '%s\n' "${lat[@]}" | median)
  tl=$(printf '%s\n' "${tlat[@]}" | median)
  printf '{"model":"%s","threads":%d,"rounds":%d,"neurite_epoch_seconds":%s,"pytorch_best_epoch_seconds":%s,"speedup":%.2f,"neurite_inference_latency_seconds":%s,"pytorch_inference_latency_seconds":%s,"neurite_runs":[%s],"pytorch_runs":[%s]}\n' \
    "$model" "$t" "$rounds" "$n" "$p" "$(echo "$p $n" | awk '{print $1/$2}')" "$l" "$tl" \
    "$(IFS=,; echo "${ours[*]}")" "$(IFS=,; echo "${theirs[*]}")"
done
