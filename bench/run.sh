#!/usr/bin/env bash
# Runs every bench/*.erl program on the real erl and on our beam in the same run, checks that their
# outputs agree, and prints the times, the ratio beam/erl per program and the geometric mean.
# Usage: bash bench/run.sh [name-substring]
set -euo pipefail
cd "$(dirname "$0")/.."
FILTER="${1:-}"
OUT=bench/out
mkdir -p "$OUT"
BEAM=target/release/beam
if [ ! -x "$BEAM" ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --bin beam
fi
erlc -o "$OUT" bench/*.erl

now() { date +%s.%N; }

printf '%-10s %10s %10s %8s  %s\n' program erl_s beam_s ratio status
ratios=()
for src in bench/*.erl; do
    m=$(basename "$src" .erl)
    case "$m" in *"$FILTER"*) ;; *) continue ;; esac
    t0=$(now)
    erl_out=$(erl -noshell -pa "$OUT" -s "$m" main -s init stop 2>&1 || true)
    t1=$(now)
    beam_out=$(timeout "${BENCH_TIMEOUT:-300}" "$BEAM" --bare -pa "$OUT" -s "$m" main 2>&1 || true)
    t2=$(now)
    erl_t=$(echo "$t1 - $t0" | bc -l)
    beam_t=$(echo "$t2 - $t1" | bc -l)
    ratio=$(echo "$beam_t / $erl_t" | bc -l)
    if [ "$erl_out" = "$beam_out" ]; then status=ok; else status="MISMATCH (erl: $(echo "$erl_out" | head -c 80 | tr -d '\r\n'), beam: $(echo "$beam_out" | head -c 80 | tr -d '\r\n'))"; fi
    printf '%-10s %10.3f %10.3f %8.2f  %s\n' "$m" "$erl_t" "$beam_t" "$ratio" "$status"
    ratios+=("$ratio")
done
if [ "${#ratios[@]}" -gt 0 ]; then
    sum=0
    for r in "${ratios[@]}"; do sum=$(echo "$sum + l($r)" | bc -l); done
    geo=$(echo "e($sum / ${#ratios[@]})" | bc -l)
    printf 'geometric mean of beam/erl: %.2f\n' "$geo"
fi
