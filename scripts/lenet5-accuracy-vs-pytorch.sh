#!/usr/bin/env bash
# LeNet-5 at issue 4's settings (SGD lr 0.05, momentum 0.9, batch 64, two
# epochs, raw pixels), neurite against PyTorch, alternating, one seed after
# another:
#
#   scripts/lenet5-accuracy-vs-pytorch.sh [SEEDS] [EPOCHS] [SCHEDULE]
#
# SCHEDULE is constant (the default, as the issue states the recipe) or
# cosine (the same peak rate 0.05, decayed to 0 over the run per batch).
# Prints one line per run (tool, seed, test accuracy after the last epoch)
# and then each tool's mean and how many seeds reached 98.5%.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-5}
epochs=${2:-2}
schedule=${3:-constant}
py=/usr/bin/python3
bin=$(mktemp -d)/neurite
go build -o "$bin" ./cmd/neurite
results=$(mktemp)
for s in $(seq "$seeds"); do
  ours=$("$bin" train --model lenet5 --epochs "$epochs" --lr 0.05 --momentum 0.9 --batch 64 --normalize=false \
    --schedule "$schedule" --seed "$s" --threads 2 --json 2>/dev/null | sed -n 's/.*"test_accuracy": *\([0-9.]*\).*/\1/p')
  echo "neurite $s $ours" | tee -a "$results"
  theirs=$($py scripts/peers/torch_lenet5_accuracy.py "$s" "$epochs" 2 "$schedule" | sed -n 's/.*\[\(.*\)\].*/\1/p' | awk -F', ' '{print $NF}')
  echo "pytorch $s $theirs" | tee -a "$results"
done
awk '{n[$1]++; sum[$1]+=$3; if ($3 >= 0.985) hit[$1]++}
  END {for (t in n) printf "%s: mean %.4f over %d seeds, %d at or above 0.985\n", t, sum[t]/n[t], n[t], hit[t]+0}' "$results"
