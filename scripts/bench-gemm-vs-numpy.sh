#!/usr/bin/env bash
# Side-by-side SGEMM: neurite against numpy/OpenBLAS on this machine.
#
#   scripts/bench-gemm-vs-numpy.sh [SIZE] [ROUNDS] [THREADS...]
#
# For each thread count, runs neurite and numpy alternately ROUNDS times
# (each run itself the median of 10 products), then prints the median
# GFLOP/s of each and their ratio. numpy runs with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset in its command alone (they slow current OpenBLAS)
# and OPENBLAS_NUM_THREADS set to the thread count. Installs Debian's
# numpy and OpenBLAS if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
rounds=${2:-7}
shift $(( $# > 2 ? 2 : $# )) || true
threads=("${@:-1 2}")
threads=(${threads[@]})

py=/usr/bin/python3
if ! $py -c 'import numpy, threadpoolctl' 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  echo "installing python3-numpy, python3-threadpoolctl, libopenblas0-pthread" >&2
  apt-get update -qq && apt-get install -y -qq python3-numpy python3-threadpoolctl libopenblas0-pthread >&2
fi
bin=$(mktemp -d)/neurite
go build -o "$bin" ./cmd/neurite

median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { sed -n "s/.*\"$1\": *\"\{0,1\}\([^,\"}]*\).*/\1/p" | head -1; }

for t in "${threads[@]}"; do
  ours=() theirs=() blas=""
  for _ in $(seq "$rounds"); do
    ours+=("$("$bin" bench gemm --size "$size" --threads "$t" --json 2>/dev/null | tr -d '\n' | field gflops)")
    out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$t" $py scripts/peers/numpy_gemm.py "$size" 10)
    theirs+=("$(echo "$out" | field gflops)")
    blas=$(echo "$out" | field blas)
  done
  n=$(printf '%s\n' "${ours[@]}" | median)
  p=$(printf '%s\n' "${theirs[@]}" | median)
  printf '{"size":%d,"threads":%d,"rounds":%d,"neurite_gflops":%.1f,"numpy_gflops":%.1f,"ratio":%.3f,"numpy_blas":"%s","neurite_runs":[%s],"numpy_runs":[%s]}\n' \
    "$size" "$t" "$rounds" "$n" "$p" "$(echo "$n $p" | awk '{print $1/$2}')" "$blas" \
    "$(IFS=,; echo "${ours[*]}")" "$(IFS=,; echo "${theirs[*]}")"
done
