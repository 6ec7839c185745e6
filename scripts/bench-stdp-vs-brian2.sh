#!/usr/bin/env bash
# Diehl & Cook's STDP network (400 excitatory neurons) training on the same
# first IMAGES MNIST digits, neurite against Brian2 (runtime mode, cython;
# scripts/peers/brian2_diehlcook.py), alternating ROUNDS times on one thread:
#
#   scripts/bench-stdp-vs-brian2.sh [ROUNDS] [IMAGES]
#
# Prints each run's images/s (training loop only: neither setup, Brian's code
# generation, nor testing is counted) and the median ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
images=${2:-20}
py=/usr/bin/python3
bin=$(mktemp -d)/neurite
go build -o "$bin" ./cmd/neurite
ours=() theirs=()
for r in $(seq "$rounds"); do
  sec=$("$bin" train --model stdp --neurons 400 --train-samples "$images" --test-samples 10 --threads 1 --json 2>/dev/null |
    tr -d '\n ' | sed -n 's/.*"epoch_seconds":\[\([0-9.eE+-]*\)\].*/\1/p')
  ours+=("$(awk -v n="$images" -v s="$sec" 'BEGIN{print n/s}')")
  theirs+=("$(OMP_NUM_THREADS=1 $py scripts/peers/brian2_diehlcook.py "$images" 400 2>/dev/null | sed -n 's/.*"images_per_second": *\([0-9.eE+-]*\).*/\1/p')")
  echo "round $r: neurite ${ours[-1]} images/s, Brian2 ${theirs[-1]} images/s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m1=$(median "${ours[@]}") m2=$(median "${theirs[@]}")
echo "{\"images\": $images, \"neurite_images_per_second\": $m1, \"brian2_images_per_second\": $m2, \"ratio\": $(awk -v a="$m1" -v b="$m2" 'BEGIN{printf "%.0f", a/b}')}"
