#!/usr/bin/env bash
# Loader benchmark against the real erl in the same run: bench/load/load_bench.erl times
# erlang:prepare_loading/2 over the modules of a bare start and over stdlib, kernel and
# compiler (the .beam files read into memory first; the best of several rounds counts).
# Each VM runs BENCH_RUNS times (default 3), alternating; the best time counts.
# Prints the time per round on each VM and the ratio beam/erl per set.
# Usage: bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/load
mkdir -p "$OUT"
BEAM=target/release/beam
if [ ! -x "$BEAM" ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --bin beam
fi
erlc -o "$OUT" bench/load/load_bench.erl

# The microseconds of set $1 in the program's output on stdin.
micros() { sed -n "s/^{$1,[0-9]*,[0-9]*,\([0-9]*\)}.*/\1/p" | head -1; }
declare -A erl_best beam_best
sets=(start libs)
for _ in $(seq "${BENCH_RUNS:-3}"); do
    e=$(erl -noshell -pa "$OUT" -s load_bench main -s init stop)
    b=$(timeout 300 "$BEAM" --bare -pa "$OUT" -s load_bench main)
    for s in "${sets[@]}"; do
        x=$(echo "$e" | micros "$s")
        y=$(echo "$b" | micros "$s")
        if [ -n "$x" ] && { [ -z "${erl_best[$s]:-}" ] || [ "$x" -lt "${erl_best[$s]}" ]; }; then erl_best[$s]=$x; fi
        if [ -n "$y" ] && { [ -z "${beam_best[$s]:-}" ] || [ "$y" -lt "${beam_best[$s]}" ]; }; then beam_best[$s]=$y; fi
    done
    kb=$(echo "$e" | sed -n 's/^{\([a-z]*\),\([0-9]*\),\([0-9]*\),.*/\1 \2 modules, \3 KB/p' | tr '\n' ';')
done
echo "sets: $kb"
printf '%-8s %12s %12s %8s\n' set erl_us beam_us ratio
for s in "${sets[@]}"; do
    e=${erl_best[$s]:-}
    b=${beam_best[$s]:-}
    if [ -z "$e" ] || [ -z "$b" ]; then
        printf '%-8s %12s %12s %8s\n' "$s" "${e:-fail}" "${b:-fail}" "-"
        continue
    fi
    printf '%-8s %12d %12d %8s\n' "$s" "$e" "$b" "$(awk -v b="$b" -v e="$e" 'BEGIN { printf "%.2f", b / e }')"
done
