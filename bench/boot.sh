#!/usr/bin/env bash
# Boot benchmarks: bin/erl (this runtime booting OTP) against the real erl in the same run.
#   halt       erl -noshell -eval 'halt().'       (boot, then halt at once)
#   init_stop  erl -noshell -s init stop          (boot, then the orderly shutdown)
# Each runs BENCH_RUNS times (default 5) on each VM, alternating; the best wall time counts,
# and the ratio is bin/erl / erl. Then the memory after boot: erlang:memory(total) as each VM
# reports it (at once, and half a second later), and the peak RSS of the OS process
# (/usr/bin/time -f %M, when installed).
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

# memory(total) when boot has just ended, and again after half a second of quiet (this
# runtime's compiler thread may still be turning modules that got hot during boot into
# machine code at the first moment; its working memory is gone once it is done). Each is
# the median of 3 runs.
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
mem_of() {
    local vm=$1 eval=$2 a b c
    a=$("$vm" -noshell -eval "$eval" </dev/null)
    b=$("$vm" -noshell -eval "$eval" </dev/null)
    c=$("$vm" -noshell -eval "$eval" </dev/null)
    median3 "$a" "$b" "$c"
}
now_mem='io:format("~p~n", [erlang:memory(total)]), halt().'
settled_mem='timer:sleep(500), io:format("~p~n", [erlang:memory(total)]), halt().'
printf '\n%-24s %12s %12s %8s\n' measure erl bin/erl ratio
for m in now settled; do
    if [ "$m" = now ]; then ev=$now_mem; label="memory(total) at boot"; else ev=$settled_mem; label="memory(total) +0.5 s"; fi
    e_mem=$(mem_of erl "$ev")
    b_mem=$(mem_of "$OURS" "$ev")
    awk -v l="$label" -v e="$e_mem" -v b="$b_mem" \
        'BEGIN { printf "%-24s %12d %12d %8.2f\n", l, e, b, b / e }'
done
if [ -x /usr/bin/time ]; then
    e_rss=$( { /usr/bin/time -f %M erl -noshell -eval 'halt().' </dev/null >/dev/null; } 2>&1 | tail -1)
    b_rss=$( { /usr/bin/time -f %M "$OURS" -noshell -eval 'halt().' </dev/null >/dev/null; } 2>&1 | tail -1)
    awk -v e="$e_rss" -v b="$b_rss" \
        'BEGIN { printf "%-24s %12d %12d %8.2f\n", "peak RSS KiB", e, b, b / e }'
else
    echo "peak RSS: /usr/bin/time is not installed (apt-get install -y time)"
fi
