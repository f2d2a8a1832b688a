#!/usr/bin/env bash
# Boot benchmarks: bin/erl (this runtime booting OTP) against the real erl in the same run.
#   halt       erl -noshell -eval 'halt().'       (boot, then halt at once)
#   init_stop  erl -noshell -s init stop          (boot, then the orderly shutdown)
# Each runs BENCH_RUNS times (default 5) on each VM, alternating; the best wall time counts,
# and the ratio is bin/erl / erl. Then the memory after boot: erlang:memory(total) as each VM
# reports it, and the peak RSS of the OS process (/usr/bin/time -f %M, when installed).
# Usage: bash bench/boot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x target/release/beam ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --bin beam
fi
OURS="$PWD/bin/erl"
RUNS="${BENCH_RUNS:-5}"

now() { date +%s.%N; }
# Best wall time in seconds of RUNS runs of "$@" (output discarded).
best() {
    local best="" t0 t1
    for _ in $(seq "$RUNS"); do
        t0=$(now)
        "$@" >/dev/null 2>&1 </dev/null || true
        t1=$(now)
        best=$(awk -v a="$t0" -v b="$t1" -v m="$best" \
            'BEGIN { d = b - a; if (m == "" || d < m) print d; else print m }')
    done
    echo "$best"
}

printf '%-10s %10s %10s %8s\n' scenario erl_s bin/erl_s ratio
for scenario in halt init_stop; do
    case "$scenario" in
        halt) args=(-noshell -eval 'halt().') ;;
        init_stop) args=(-noshell -s init stop) ;;
    esac
    # Alternate the VMs run by run so that both see the same machine load.
    e_best=""
    b_best=""
    for _ in $(seq "$RUNS"); do
        e=$(RUNS=1 best erl "${args[@]}")
        b=$(RUNS=1 best "$OURS" "${args[@]}")
        e_best=$(awk -v x="$e" -v m="$e_best" 'BEGIN { print (m == "" || x < m) ? x : m }')
        b_best=$(awk -v x="$b" -v m="$b_best" 'BEGIN { print (m == "" || x < m) ? x : m }')
    done
    awk -v s="$scenario" -v e="$e_best" -v b="$b_best" \
        'BEGIN { printf "%-10s %10.3f %10.3f %8.2f\n", s, e, b, b / e }'
done

mem='io:format("~p~n", [erlang:memory(total)]), halt().'
e_mem=$(erl -noshell -eval "$mem" </dev/null)
b_mem=$("$OURS" -noshell -eval "$mem" </dev/null)
printf '\n%-24s %12s %12s %8s\n' measure erl bin/erl ratio
awk -v e="$e_mem" -v b="$b_mem" \
    'BEGIN { printf "%-24s %12d %12d %8.2f\n", "memory(total) bytes", e, b, b / e }'
if [ -x /usr/bin/time ]; then
    e_rss=$( { /usr/bin/time -f %M erl -noshell -eval 'halt().' </dev/null >/dev/null; } 2>&1 | tail -1)
    b_rss=$( { /usr/bin/time -f %M "$OURS" -noshell -eval 'halt().' </dev/null >/dev/null; } 2>&1 | tail -1)
    awk -v e="$e_rss" -v b="$b_rss" \
        'BEGIN { printf "%-24s %12d %12d %8.2f\n", "peak RSS KiB", e, b, b / e }'
else
    echo "peak RSS: /usr/bin/time is not installed (apt-get install -y time)"
fi
