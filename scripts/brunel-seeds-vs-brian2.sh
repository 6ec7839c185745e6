#!/usr/bin/env bash
# Brunel (2000) panels at full size over many seeds, neurite against Brian2
# 2.5.1, for the means the seed spread hides at five seeds:
#
#   scripts/brunel-seeds-vs-brian2.sh [PANELS] [SEEDS] [DURATION_MS]
#   scripts/brunel-seeds-vs-brian2.sh "B C D" 20 2000      # the defaults
#
# For each panel, seeds 1..SEEDS: `neurite sim brunel --panel P --seed S
# --duration D --threads 1 --json`, and scripts/peers/brian2_brunel_seeds.py
# (Brian2's runtime mode, one process per panel, a new network per seed;
# the same model as shared/peers/snn/brian2_brunel.py). Each seed draws
# a new wiring and Poisson drive in each simulator, so the runs are
# independent samples of the model. Prints per panel the excitatory rate's
# mean ± standard error over seeds for both, the ratio of the means with
# its 95% interval (delta method), Welch's t test, and whether the means
# agree within 3% and within the seed spread (the interval contains 1).
# RESULTS=FILE keeps every run as a JSON line. Hours on one core: about
# 1–2 min of Brian2 per seed and panel at 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
panels=${1:-B C D}
seeds=${2:-20}
dur=${3:-2000}
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=${RESULTS:-$work/results.jsonl}
: >"$results"
go build -o "$work/neurite" ./cmd/neurite
export PYTHONWARNINGS=ignore
for p in $panels; do
  for s in $(seq "$seeds"); do
    "$work/neurite" sim brunel --panel "$p" --seed "$s" --duration "${dur}ms" --threads 1 --json 2>/dev/null |
      $py -c 'import json, sys; r = json.load(sys.stdin)
print(json.dumps(dict(sim="neurite", panel=sys.argv[1], seed=int(sys.argv[2]), rate_e_hz=r["rate_hz"]["exc"])))' "$p" "$s" >>"$results"
  done
  $py scripts/peers/brian2_brunel_seeds.py --panel "$p" --seeds "1-$seeds" --duration-ms "$dur" \
    --cache "$work/cython_cache" 2>"$work/brian2.log" |
    $py -c 'import json, sys
for l in sys.stdin:
    r = json.loads(l); print(json.dumps(dict(sim="brian2", panel=r["panel"], seed=r["seed"], rate_e_hz=r["rate_e_hz"])))' >>"$results"
  echo "panel $p: $seeds seeds done" >&2
done
$py - "$results" "$dur" <<'EOF2'
import json, math, statistics as st, sys
from scipy import stats
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"Brunel (2000), 12,500 neurons, {float(sys.argv[2]) / 1000:g} s a seed; excitatory rate in Hz, mean ± SE over seeds")
print("| panel | seeds | neurite | Brian2 | ratio [95% CI] | Welch t, p | within 3% | within the seed spread |")
print("|---|---|---|---|---|---|---|---|")
for p in sorted({r['panel'] for r in rows}):
    x = [r['rate_e_hz'] for r in rows if r['panel'] == p and r['sim'] == 'neurite']
    y = [r['rate_e_hz'] for r in rows if r['panel'] == p and r['sim'] == 'brian2']
    mx, my, k1, k2 = st.mean(x), st.mean(y), len(x), len(y)
    sx, sy = st.stdev(x) / math.sqrt(k1), st.stdev(y) / math.sqrt(k2)
    r = mx / my
    se = r * math.sqrt((sx / mx) ** 2 + (sy / my) ** 2)
    t = stats.ttest_ind(x, y, equal_var=False)
    lo, hi = r - 1.96 * se, r + 1.96 * se
    print(f"| {p} | {k1} / {k2} | {mx:.2f} ± {sx:.2f} | {my:.2f} ± {sy:.2f} | {r:.3f} [{lo:.3f}, {hi:.3f}] | "
          f"{t.statistic:.2f}, {t.pvalue:.2f} | {'yes' if abs(r - 1) <= 0.03 else 'no'} | {'yes' if lo <= 1 <= hi else 'no'} |")
EOF2
