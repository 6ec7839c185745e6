#!/usr/bin/env bash
# Real-time factor of Potjans & Diesmann's microcircuit at full scale, with
# Poisson background and with DC input, on 1 and 2 threads, and of Brunel's
# panel A on 1 and 2 threads: the runs alternate (poisson/1, poisson/2,
# dc/1, dc/2, brunel/1, brunel/2) ROUNDS times, one at a time, so that a
# change in the machine's load touches every configuration alike.
#
#   scripts/bench-microcircuit.sh [ROUNDS] [DURATION]
#
# Each microcircuit run is `neurite sim microcircuit --input I --threads T
# --duration DURATION --json` (default 0.5s; the network, 3·10⁸ synapses, is
# built anew each time and its build is not counted); Brunel's is `neurite
# bench brunel --threads T --runs 1 --json`. Prints one line per run (the
# 1-minute load average before it, real-time factor, CPU seconds per
# simulated second, build seconds), then the medians per configuration and
# the two-thread speed-up (median RTF on 1 thread / median RTF on 2). On a
# shared machine, read the load column: wall times are only comparable at
# equal load.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
duration=${2:-0.5s}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$work/neurite"
go build -o "$bin" ./cmd/neurite
load() { cut -d' ' -f1 /proc/loadavg; }
printf '%-8s %-7s %-5s %-6s %-8s %-10s %-8s\n' config threads round load rtf cpu/sim_s build_s
for r in $(seq "$rounds"); do
  for input in poisson dc; do
    for t in 1 2; do
      l=$(load)
      "$bin" sim microcircuit --input "$input" --threads "$t" --duration "$duration" --json >"$work/out.json"
      jq -r --arg c "$input" --arg t "$t" --arg r "$r" --arg l "$l" \
        '[$c, $t, $r, $l, (.real_time_factor*100|round/100), (.cpu_seconds/(.sim_ms/1000)*100|round/100), (.build_seconds*10|round/10)] | @tsv' \
        "$work/out.json" | tee -a "$work/runs.tsv"
    done
  done
  for t in 1 2; do
    l=$(load)
    "$bin" bench brunel --threads "$t" --runs 1 --json >"$work/out.json"
    jq -r --arg t "$t" --arg r "$r" --arg l "$l" \
      '[("brunel"), $t, $r, $l, (.median_seconds/(.sim_ms/1000)*100|round/100), "-", "-"] | @tsv' \
      "$work/out.json" | tee -a "$work/runs.tsv"
  done
done
echo "medians:"
python3 - "$work/runs.tsv" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    c, t, r, l, rtf, cpu, b = line.rstrip("\n").split("\t")
    runs.setdefault(c, {}).setdefault(t, []).append((float(rtf), float(l), cpu))
for c, byt in runs.items():
    med = {t: statistics.median(x[0] for x in v) for t, v in byt.items()}
    loads = [x[1] for v in byt.values() for x in v]
    cpus = {t: [x[2] for x in v] for t, v in byt.items()}
    print(f"{c}: RTF median 1 thread {med.get('1', 0):.2f}, 2 threads {med.get('2', 0):.2f}, "
          f"speed-up {med['1'] / med['2']:.2f}x; CPU s per simulated s {cpus}; load {min(loads):.1f}-{max(loads):.1f}")
PY
