#!/usr/bin/env bash
# Loopback TCP on beam against the real erl in the same run (bench/inet/inet_bench.erl times
# its own work inside the VM): echo round trips per second and bulk MB/s. Each VM runs
# BENCH_RUNS times (default 3), alternating; the best time counts. Prints both rates and
# the ratio beam/erl (above 1: beam is faster).
# Usage: bash bench/inet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/inet
mkdir -p "$OUT"
BEAM=target/release/beam
if [ ! -x "$BEAM" ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --bin beam
fi
erlc -o "$OUT" bench/inet/inet_bench.erl
RUNS="${BENCH_RUNS:-3}"
best() { # name vm...
    local name=$1; shift
    local b=""
    for _ in $(seq "$RUNS"); do
        local us
        us=$("$@" -noshell -pa "$OUT" -s inet_bench main | sed -n "s/{$name,[0-9]*,\([0-9]*\)}/\1/p")
        if [ -z "$b" ] || [ "$us" -lt "$b" ]; then b=$us; fi
    done
    echo "$b"
}
e_rtt=$(best echo_rtt erl); b_rtt=$(best echo_rtt "$BEAM")
e_bulk=$(best bulk_mb erl); b_bulk=$(best bulk_mb "$BEAM")
awk -v er="$e_rtt" -v br="$b_rtt" -v eb="$e_bulk" -v bb="$b_bulk" 'BEGIN {
    printf "%-22s %12s %12s %8s\n", "measure", "erl", "beam", "ratio";
    printf "%-22s %12.0f %12.0f %8.2f\n", "echo round trips/s", 20000e6/er, 20000e6/br, er/br;
    printf "%-22s %12.1f %12.1f %8.2f\n", "bulk MB/s", 200e6/eb, 200e6/bb, eb/bb;
}'
