#!/usr/bin/env bash
# Runs every bench/*.erl program on the real erl and on our beam in both tiers (+JIT true, the
# native-code tier, and +JIT false, the interpreter alone) in the same run, checks that the three
# outputs agree, and prints the times, the ratios jit/erl and interp/erl per program and the
# geometric mean of each ratio column.
# Each program times its own work inside the VM and prints it last as {bench_us,Microseconds};
# that line is left out of the output comparison and is the time reported. A program that prints
# no such line is timed by wall clock minus the VM's start-up (the time to run bench/empty, best
# of 3), and its time is marked with '*'.
# Each program runs BENCH_RUNS times (default 3) on each VM, alternating, and the best time counts
# (this machine's speed varies from run to run). BENCH_TIMEOUT (default 300 s) bounds one beam run.
# Needs bash, bc and the system erl/erlc.
# Usage: bash bench/run.sh [name-substring]
set -euo pipefail
cd "$(dirname "$0")/.."
FILTER="${1:-}"
RUNS="${BENCH_RUNS:-3}"
OUT=bench/out
mkdir -p "$OUT"
BEAM=target/release/beam
if [ ! -x "$BEAM" ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --bin beam
fi
command -v bc >/dev/null || { echo "bench/run.sh needs bc (apt-get install -y bc)"; exit 1; }
erlc -o "$OUT" bench/*.erl bench/empty/empty.erl

# The three VMs, by the names used below.
VMS=(erl jit interp)
run_vm() {
    local vm=$1 m=$2
    case "$vm" in
        erl) erl -noshell -pa "$OUT" -s "$m" main -s init stop 2>&1 || true ;;
        jit) timeout "${BENCH_TIMEOUT:-300}" "$BEAM" --bare +JIT true -pa "$OUT" -s "$m" main 2>&1 || true ;;
        interp) timeout "${BENCH_TIMEOUT:-300}" "$BEAM" --bare +JIT false -pa "$OUT" -s "$m" main 2>&1 || true ;;
    esac
}
now() { date +%s.%N; }
min() { echo "if ($1 < $2) $1 else $2" | bc -l; }

# Start-up times, measured only when a program needs the wall-clock fallback.
declare -A BASE=()
ensure_base() {
    [ "${#BASE[@]}" -gt 0 ] && return
    local vm best t0 t1
    for vm in "${VMS[@]}"; do
        best=999
        for _ in 1 2 3; do
            t0=$(now); run_vm "$vm" empty >/dev/null; t1=$(now)
            best=$(min "$(echo "$t1 - $t0" | bc -l)" "$best")
        done
        BASE[$vm]=$best
    done
    printf '(start-up for wall-clock fallback: erl %.3f s, jit %.3f s, interp %.3f s)\n' \
        "${BASE[erl]}" "${BASE[jit]}" "${BASE[interp]}"
}

# The in-VM time in seconds from a run's output, or nothing.
bench_secs() {
    local us
    us=$(printf '%s\n' "$1" | tr -d '\r' | sed -n 's/^{bench_us,\([0-9][0-9]*\)}$/\1/p' | tail -n 1)
    [ -n "$us" ] && echo "$us / 1000000" | bc -l
    return 0
}
# A run's output without its {bench_us,...} line.
strip_time() { printf '%s\n' "$1" | tr -d '\r' | sed '/^{bench_us,[0-9]*}$/d'; }
short() { printf '%s' "$1" | tr '\n' ' ' | head -c 100; }

printf 'best of %s runs; times in seconds (in-VM, or * = wall clock minus start-up)\n' "$RUNS"
printf '%-14s %9s %9s %9s %8s %8s  %s\n' program erl jit interp jit/erl int/erl status
jit_ratios=()
int_ratios=()
for src in bench/*.erl; do
    m=$(basename "$src" .erl)
    case "$m" in *"$FILTER"*) ;; *) continue ;; esac
    declare -A best=([erl]=999 [jit]=999 [interp]=999) wall=([erl]=0 [jit]=0 [interp]=0) out=()
    status=ok
    for _ in $(seq "$RUNS"); do
        for vm in "${VMS[@]}"; do
            t0=$(now)
            raw=$(run_vm "$vm" "$m")
            t1=$(now)
            secs=$(bench_secs "$raw")
            if [ -z "$secs" ]; then
                ensure_base
                secs=$(echo "$t1 - $t0 - ${BASE[$vm]}" | bc -l)
                wall[$vm]=1
            fi
            best[$vm]=$(min "$secs" "${best[$vm]}")
            text=$(strip_time "$raw")
            if [ -z "${out[$vm]+set}" ]; then
                out[$vm]=$text
            elif [ "$status" = ok ] && [ "${out[$vm]}" != "$text" ]; then
                status="VARIES ($vm: $(short "${out[$vm]}") | $(short "$text"))"
            fi
        done
    done
    for vm in jit interp; do
        if [ "$status" = ok ] && [ "${out[erl]}" != "${out[$vm]}" ]; then
            status="MISMATCH (erl: $(short "${out[erl]}") | $vm: $(short "${out[$vm]}"))"
        fi
    done
    cols=()
    for vm in "${VMS[@]}"; do
        best[$vm]=$(echo "t = ${best[$vm]}; if (t < 0.001) 0.001 else t" | bc -l)
        mark=' '
        [ "${wall[$vm]}" = 1 ] && mark='*'
        cols+=("$(printf '%8.3f%s' "${best[$vm]}" "$mark")")
    done
    jr=$(echo "${best[jit]} / ${best[erl]}" | bc -l)
    ir=$(echo "${best[interp]} / ${best[erl]}" | bc -l)
    printf '%-14s %s %s %s %8.2f %8.2f  %s\n' "$m" "${cols[@]}" "$jr" "$ir" "$status"
    jit_ratios+=("$jr")
    int_ratios+=("$ir")
    unset best wall out
done
geomean() {
    local sum=0 r
    for r in "$@"; do sum=$(echo "$sum + l($r)" | bc -l); done
    echo "e($sum / $#)" | bc -l
}
if [ "${#jit_ratios[@]}" -gt 0 ]; then
    printf '%-14s %9s %9s %9s %8.2f %8.2f  (geometric mean of %d)\n' geomean '' '' '' \
        "$(geomean "${jit_ratios[@]}")" "$(geomean "${int_ratios[@]}")" "${#jit_ratios[@]}"
fi
