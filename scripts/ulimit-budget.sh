#!/usr/bin/env bash
# Requests too large for the machine, run under an 8 GB address-space
# limit (ulimit -v 8000000): each must end with exit status 1 and one line
# on stderr (the refusal, naming the request, the estimate and the limit),
# never a Go runtime crash, a panic or a hang.
#
#   scripts/ulimit-budget.sh
#
# internal/cli's TestOverBudget runs the same requests in-process with
# --max-memory 4GiB, the budget this limit gives (half of it); this script
# checks them as a user meets them, MNIST included. It prints one line per
# case and exits 1 if any case fails.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/neurite" ./cmd/neurite || exit 1

cat >"$work/delay.yaml" <<'EOF'
populations: [{name: a, model: lif, n: 10}]
projections: [{pre: a, post: a, target: v, rule: all, weight: 0.1, delay: 1e12}]
EOF
cat >"$work/neurons.yaml" <<'EOF'
populations: [{name: a, model: lif, n: 100000000}]
EOF
cat >"$work/all.yaml" <<'EOF'
populations: [{name: a, model: lif, n: 200000}]
projections: [{pre: a, post: a, target: v, rule: all, weight: 0.1}]
EOF
cat >"$work/dense.yaml" <<'EOF'
inputs: 784
layers:
  - {type: dense, units: 1000000000000}
  - {type: relu}
  - {type: dense, units: 10}
EOF

cases=(
  "sim $work/delay.yaml --duration 10ms"
  "sim $work/neurons.yaml --duration 1ms"
  "sim $work/all.yaml --duration 1ms"
  "sim coba --n 10000000000"
  "train --model $work/dense.yaml --epochs 1 --train-samples 100"
  "graph layered --layers 100000,100000"
  "graph random --n 20000 --p 1"
  "train --hidden 100000000"
  "train --model stdp --neurons 100000000"
  "bench gemm --size 20000"
)

failed=0
for c in "${cases[@]}"; do
  timeout 120 bash -c "ulimit -v 8000000; exec $work/neurite $c" >"$work/out" 2>"$work/err"
  code=$?
  lines=$(wc -l <"$work/err")
  if [ "$code" -eq 1 ] && [ "$lines" -eq 1 ] && ! grep -qE 'panic|goroutine |fatal error|runtime error' "$work/err"; then
    echo "ok   neurite $c"
  else
    echo "FAIL neurite $c: exit $code, $lines lines on stderr"
    failed=1
  fi
  sed 's/^/       /' "$work/err"
done

# A batch larger than the training set is cut to it and runs.
timeout 120 bash -c "ulimit -v 8000000; exec $work/neurite train --batch 100000000 --train-samples 1000 --epochs 1" >"$work/out" 2>"$work/err"
code=$?
if [ "$code" -eq 0 ] && grep -q "using 1000" "$work/err"; then
  echo "ok   neurite train --batch 100000000 --train-samples 1000 --epochs 1"
else
  echo "FAIL neurite train --batch 100000000 --train-samples 1000 --epochs 1: exit $code"
  failed=1
fi
sed 's/^/       /' "$work/err"
exit $failed
