#!/usr/bin/env bash
# Side-by-side spiking-network speed: neurite against Brian2's C++
# standalone loop, on this machine, in one run.
#
#   scripts/bench-snn-vs-brian2.sh [coba|cuba|brunel] [ROUNDS] [THREADS]
#
# Brian2 compiles the model once (20–40 s, not counted); then the compiled
# binary and neurite's bench run alternately ROUNDS times, one thread each
# by default. Brian2's figure is its network-run loop as the binary itself
# measures it (results/last_run_info.txt), which excludes its start-up;
# neurite's is wall_seconds of the simulation, which excludes the build
# (reported separately as build_seconds). Prints one JSON line with medians
# and the ratio. Installs Debian's Brian2 if it is missing; the reference
# scripts are read from ../shared/peers/snn (or $PEERS).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-coba}
rounds=${2:-5}
threads=${3:-1}
peers=${PEERS:-$(cd .. && pwd)/shared/peers}

py=/usr/bin/python3
if ! $py -c 'import brian2' 2>/dev/null; then
  echo "installing Debian's Brian2" >&2
  apt-get update -qq && apt-get install -y -qq python3-brian python3-brian-lib cython3 python3-dev python3-scipy python3-sympy time >&2
fi
work=$(mktemp -d)
cp -r "$peers/snn" "$work/snn"
bin="$work/neurite"
go build -o "$bin" ./cmd/neurite

echo "compiling the Brian2 standalone project for $model (not timed)…" >&2
export PYTHONWARNINGS=ignore SNN_KEEP=1 SNN_WORK="$work/brian"
omp=0
[ "$threads" -gt 1 ] && omp=$threads
case $model in
  coba|cuba) $py "$work/snn/brian2_lif.py" --model "$model" --mode standalone --threads "$omp" --seed 1 --bin-reps 1 >/dev/null ;;
  brunel)    $py "$work/snn/brian2_brunel.py" --panel A --mode standalone --threads "$omp" --seed 1 --bin-reps 1 >/dev/null ;;
  *) echo "unknown model $model" >&2; exit 2 ;;
esac
proj=$(ls -d "$work"/brian/standalone/*/ | head -1)

field() { sed -n "s/.*\"$1\": *\([0-9.eE+-]*\).*/\1/p" | head -1; }
median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ours=() theirs=() events=""
for r in $(seq "$rounds"); do
  out=$("$bin" bench "$model" --runs 1 --threads "$threads" --json 2>/dev/null | tr -d '\n')
  ours+=("$(echo "$out" | field median_seconds)")
  events=$(echo "$out" | field synaptic_events)
  (cd "$proj" && ./main >/dev/null)
  theirs+=("$(awk '{print $1}' "$proj/results/last_run_info.txt")")
  echo "round $r: neurite ${ours[-1]} s, brian2 ${theirs[-1]} s" >&2
done
n=$(printf '%s\n' "${ours[@]}" | median)
b=$(printf '%s\n' "${theirs[@]}" | median)
printf '{"model":"%s","threads":%d,"rounds":%d,"neurite_seconds":%s,"brian2_loop_seconds":%s,"speedup":%.2f,"neurite_ns_per_event":%.2f,"neurite_runs":[%s],"brian2_runs":[%s]}\n' \
  "$model" "$threads" "$rounds" "$n" "$b" "$(echo "$b $n" | awk '{print $1/$2}')" \
  "$(echo "$n $events" | awk '{print $1/$2*1e9}')" \
  "$(IFS=,; echo "${ours[*]}")" "$(IFS=,; echo "${theirs[*]}")"
rm -rf "$work"
