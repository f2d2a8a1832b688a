#!/usr/bin/env bash
# Embedding benchmarks: the C API of liberts from a C host (c-tests/embed/bench.c).
#   (a) a --bare runtime's start: erts_runtime_start until it returns, and until the first
#       erts_call has answered (BENCH_STARTS runs, default 20; the median counts)
#   (b) a full OTP boot the same way (BENCH_BOOTS runs, default 5)
#   (c) the round trip of erts_call of a trivial function: bench_embed:id/1 (Erlang) and
#       erlang:abs/1 (a BIF), and erts_call_etf; median and p99 of BENCH_CALLS calls (default
#       20,000) after a warm-up
#   (d) host mailbox throughput: an Erlang process sends BENCH_MESSAGES messages (default
#       200,000) to the host's pid; the host takes them with erts_mailbox_receive, then with
#       a callback
#   (e) BENCH_CALLS calls from each of 2 host threads at once, against 1 thread
# The first start of a runtime in an OS process is timed in a process of its own each time;
# later starts in the same process (no fork helper to start, the library warm) apart. BENCH_RT_ARGS adds
# runtime arguments (e.g. "+S 4"). The targets are issue 12's: a bare start in 5 ms, a call
# round trip in 5 us.
# Usage: bash bench/embed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/embed
mkdir -p "$OUT"
LIB=${CARGO_TARGET_DIR:-target}/release
case "$LIB" in /*) ;; *) LIB=$PWD/$LIB ;; esac
if [ ! -f "$LIB/liberts.so" ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --lib
fi
cc -O2 -Wall -Wextra -Werror -Iinclude c-tests/embed/bench.c -o "$OUT/bench" \
    -L"$LIB" -lerts -Wl,-rpath,"$LIB" -lpthread
erlc -o "$OUT" c-tests/embed/bench_embed.erl

STARTS=${BENCH_STARTS:-20}
BOOTS=${BENCH_BOOTS:-5}
CALLS=${BENCH_CALLS:-20000}
MESSAGES=${BENCH_MESSAGES:-200000}
# shellcheck disable=SC2206  # runtime arguments are words
RT_ARGS=(${BENCH_RT_ARGS:-})

# The value of line "NAME value" of the input.
value() { sed -n "s/^$1 //p"; }
# The median of numbers, one a line.
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) exit 1; print a[int((NR + 1) / 2)] }'; }

# Runs `bench start` $1 times with the rest as runtime arguments; leaves the start times
# in $OUT/start_us and the first-call times in $OUT/first_us; fails unless OTP's booted
# state is $BOOTED.
starts() {
    local n=$1
    shift
    : >"$OUT/start_us"
    : >"$OUT/first_us"
    for _ in $(seq "$n"); do
        r=$("$OUT/bench" start "$OUT" "$@")
        if [ "$(echo "$r" | value otp_booted)" != "$BOOTED" ]; then
            echo "bench start $*: otp_booted is not $BOOTED" >&2
            exit 1
        fi
        echo "$r" | value start_us >>"$OUT/start_us"
        echo "$r" | value first_call_us >>"$OUT/first_us"
    done
}

BOOTED=0 starts "$STARTS" --bare "${RT_ARGS[@]}"
bare_start=$(median <"$OUT/start_us")
bare_first=$(median <"$OUT/first_us")
bare_min=$(sort -n "$OUT/start_us" | head -1)
BOOTED=1 starts "$BOOTS" "${RT_ARGS[@]}"
boot_start=$(median <"$OUT/start_us")
boot_first=$(median <"$OUT/first_us")
restarts=$("$OUT/bench" restarts "$OUT" "$STARTS" --bare "${RT_ARGS[@]}")

run=$("$OUT/bench" run "$OUT" "$CALLS" "$MESSAGES" --bare "${RT_ARGS[@]}")
v() { echo "$run" | value "$1"; }

# name, value, unit, target (in the same unit; empty: none)
row() {
    awk -v n="$1" -v x="$2" -v u="$3" -v t="${4:-}" 'BEGIN {
        verdict = ""
        if (t != "") verdict = (x + 0 <= t + 0) ? "met" : "MISSED"
        printf "%-44s %12s %-6s %10s  %s\n", n, x, u, (t == "" ? "" : "<= " t " " u), verdict
    }'
}
us() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1000 }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
mps() { awk -v r="$1" 'BEGIN { printf "%.2f", r / 1e6 }'; }

printf '%-44s %12s %-6s %10s  %s\n' measure value unit target verdict
row "(a) bare start: erts_runtime_start (median)" "$(ms "$bare_start")" ms 5
row "    bare start: fastest of $STARTS" "$(ms "$bare_min")" ms
row "    bare start to the first call answered" "$(ms "$bare_first")" ms
row "    later bare starts in one process (median)" "$(ms "$(echo "$restarts" | value restart_start_median_us)")" ms 5
row "    stop and free a bare runtime (median)" "$(ms "$(echo "$restarts" | value stop_median_us)")" ms
row "(b) OTP boot: erts_runtime_start (median)" "$(ms "$boot_start")" ms
row "    OTP boot to the first call answered" "$(ms "$boot_first")" ms
row "(c) erts_call bench_embed:id/1 median" "$(us "$(v call_id_median_ns)")" us 5
row "    erts_call bench_embed:id/1 p99" "$(us "$(v call_id_p99_ns)")" us
row "    erts_call bench_embed:id/1 mean" "$(us "$(v call_id_mean_ns)")" us
row "    erts_call erlang:abs/1 median" "$(us "$(v call_abs_median_ns)")" us 5
row "    erts_call erlang:abs/1 p99" "$(us "$(v call_abs_p99_ns)")" us
row "    erts_call_etf bench_embed:id/1 median" "$(us "$(v call_etf_median_ns)")" us 5
row "    erts_call_etf bench_embed:id/1 p99" "$(us "$(v call_etf_p99_ns)")" us
row "(d) mailbox, erts_mailbox_receive" "$(mps "$(v mailbox_recv_msgs_per_s)")" M/s
row "    mailbox, callback" "$(mps "$(v mailbox_callback_msgs_per_s)")" M/s
row "(e) calls/s from 1 host thread" "$(mps "$(v threads1_calls_per_s)")" M/s
row "    calls/s from 2 host threads at once" "$(mps "$(v threads2_calls_per_s)")" M/s
row "    2 threads: round trip median" "$(us "$(v threads2_median_ns)")" us
row "    2 threads: round trip p99" "$(us "$(v threads2_p99_ns)")" us
echo "($(nproc) processors; runtime arguments: --bare ${RT_ARGS[*]:-(defaults)})"
