#!/usr/bin/env bash
# Runs every bench/*.erl program on the real erl and on our beam in the same run, checks that
# their outputs agree, and prints the net times (start-up subtracted: each VM's time to run an
# empty program is measured first, best of 3), the ratio beam/erl per program and the
# geometric mean of the ratios. Each program runs BENCH_RUNS times (default 3) on each VM,
# alternating, and the best time counts (this machine's speed varies from run to run).
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
command -v bc >/dev/null || { echo "bench/run.sh needs bc (apt-get install -y bc)"; exit 1; }
erlc -o "$OUT" bench/*.erl bench/empty/empty.erl

now() { date +%s.%N; }
run_erl() { erl -noshell -pa "$OUT" -s "$1" main -s init stop 2>&1 || true; }
run_beam() { timeout "${BENCH_TIMEOUT:-300}" "$BEAM" --bare -pa "$OUT" -s "$1" main 2>&1 || true; }
best_of_3() {
    local best=999
    for _ in 1 2 3; do
        local t0 t1 d
        t0=$(now); "$@" >/dev/null; t1=$(now)
        d=$(echo "$t1 - $t0" | bc -l)
        best=$(echo "if ($d < $best) $d else $best" | bc -l)
    done
    echo "$best"
}
erl_base=$(best_of_3 run_erl empty)
beam_base=$(best_of_3 run_beam empty)
printf 'start-up: erl %.3f s, beam %.3f s (subtracted below)\n' "$erl_base" "$beam_base"
printf '%-10s %10s %10s %8s  %s\n' program erl_s beam_s ratio status
ratios=()
for src in bench/*.erl; do
    m=$(basename "$src" .erl)
    case "$m" in *"$FILTER"*) ;; *) continue ;; esac
    erl_best=999
    beam_best=999
    for _ in $(seq "${BENCH_RUNS:-3}"); do
        t0=$(now)
        erl_out=$(run_erl "$m")
        t1=$(now)
        beam_out=$(run_beam "$m")
        t2=$(now)
        erl_best=$(echo "d = $t1 - $t0; if (d < $erl_best) d else $erl_best" | bc -l)
        beam_best=$(echo "d = $t2 - $t1; if (d < $beam_best) d else $beam_best" | bc -l)
    done
    erl_t=$(echo "t = $erl_best - $erl_base; if (t < 0.001) 0.001 else t" | bc -l)
    beam_t=$(echo "t = $beam_best - $beam_base; if (t < 0.001) 0.001 else t" | bc -l)
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
