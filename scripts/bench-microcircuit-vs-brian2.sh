#!/usr/bin/env bash
# Potjans & Diesmann's microcircuit side by side: neurite against Brian2's
# C++ standalone mode, on the same network, on this machine, in one run.
#
#   scripts/bench-microcircuit-vs-brian2.sh [SCALE] [INPUT] [ROUNDS] [DURATION] [THREADS]
#
# SCALE (default 0.5; 1 is the full model, whose 3·10⁸ synapses Brian2
# holds with weights and delays in double precision, several times
# neurite's memory) scales neurons and in-degrees as `neurite sim
# microcircuit --scale` does; INPUT is poisson (default) or dc; DURATION in
# ms (default 300); THREADS (default 1) for both: neurite's workers, Brian2's
# OpenMP threads. The network is written once as a spec (scripts/microcircuit-spec.go,
# the preset's own), which neurite runs with `neurite sim SPEC` and
# scripts/peers/brian2_microcircuit.py translates for Brian2. Brian2
# generates and compiles its project once (build_s, not counted), then its
# binary and neurite alternate ROUNDS times (default 3). Brian2's figure
# is its network-run loop as the binary measures it; neurite's is
# wall_seconds, the simulation after building (build_seconds apart). Prints
# a line per round, then one JSON line with the medians, the ratio and
# each side's population rates (the same model, not the same random
# wiring: rates agree statistically, not exactly). Installs Debian's Brian2
# if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-0.5}
input=${2:-poisson}
rounds=${3:-3}
duration=${4:-300}
threads=${5:-1}
case $input in poisson|dc) ;; *) echo "input $input: want poisson or dc" >&2; exit 2 ;; esac
py=/usr/bin/python3
if ! $py -c 'import brian2' 2>/dev/null; then
  echo "installing Debian's Brian2" >&2
  apt-get update -qq && apt-get install -y -qq python3-brian python3-brian-lib cython3 python3-dev python3-scipy python3-sympy >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/neurite" ./cmd/neurite
go run scripts/microcircuit-spec.go -scale "$scale" -input "$input" >"$work/mc.json"
omp=0
[ "$threads" -gt 1 ] && omp=$threads
echo "building the Brian2 standalone project (not timed in the comparison)…" >&2
if ! PYTHONWARNINGS=ignore $py scripts/peers/brian2_microcircuit.py --spec "$work/mc.json" --duration-ms "$duration" \
  --threads "$omp" --dir "$work/brian" >"$work/brian.json" 2>"$work/brian.log"; then
  cat "$work/brian.log" >&2
  exit 1
fi
proj="$work/brian"
median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ours=() theirs=() builds=()
for r in $(seq "$rounds"); do
  "$work/neurite" sim "$work/mc.json" --duration "${duration}ms" --threads "$threads" --seed 1 --json >"$work/ours.json" 2>/dev/null
  ours+=("$(jq .wall_seconds "$work/ours.json")")
  builds+=("$(jq .build_seconds "$work/ours.json")")
  (cd "$proj" && ./main >/dev/null)
  theirs+=("$(awk '{print $1}' "$proj/results/last_run_info.txt")")
  echo "round $r: neurite ${ours[-1]} s (built in ${builds[-1]} s), brian2 ${theirs[-1]} s" >&2
done
n=$(printf '%s\n' "${ours[@]}" | median)
b=$(printf '%s\n' "${theirs[@]}" | median)
jq -nc --argjson brian "$(cat "$work/brian.json")" --slurpfile ours "$work/ours.json" \
  --arg scale "$scale" --arg input "$input" --argjson threads "$threads" --argjson rounds "$rounds" \
  --argjson n "$n" --argjson b "$b" --arg ours_runs "${ours[*]}" --arg brian_runs "${theirs[*]}" --arg builds "${builds[*]}" '
  {model: "microcircuit", scale: ($scale|tonumber), input: $input, threads: $threads, rounds: $rounds,
   duration_ms: $brian.duration_ms, neurons: $brian.neurons, synapses: $brian.synapses,
   neurite_seconds: $n, brian2_loop_seconds: $b, speedup: (($b / $n) * 100 | round / 100),
   neurite_build_seconds: ($builds | split(" ") | map(tonumber)), brian2_build_seconds: $brian.build_s,
   neurite_runs: ($ours_runs | split(" ") | map(tonumber)), brian2_runs: ($brian_runs | split(" ") | map(tonumber)),
   rates_hz: {neurite: $ours[0].rate_hz, brian2: $brian.rates_hz}}'
