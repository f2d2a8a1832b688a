#!/usr/bin/env bash
# Distribution between two nodes of beam against two nodes of the real erl, in the same run
# (bench/dist/dist_bench.erl times its own work inside the driver VM): message round trips
# per second, one-way messages per second (64-byte binary payload), rpc:call per second.
# Each pair runs BENCH_RUNS times (default 3), alternating; the best time counts. Prints the
# rates and the ratio beam/erl (above 1: beam is faster).
# Usage: bash bench/dist.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/dist
mkdir -p "$OUT"
BEAM=target/release/beam
if [ ! -x "$BEAM" ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --bin beam
fi
erlc -o "$OUT" bench/dist/dist_bench.erl
RUNS="${BENCH_RUNS:-3}"
# One run of the pair on VM $1: prints the driver's lines.
pair() {
    local vm=$1 tag=bd$$x$RANDOM
    "$vm" -sname "${tag}p" -setcookie bench -noshell -pa "$OUT" -s dist_bench peer >/dev/null 2>&1 &
    "$vm" -sname "${tag}d" -setcookie bench -noshell -pa "$OUT" -s dist_bench main "${tag}p"
    wait
}
declare -A best
for _ in $(seq "$RUNS"); do
    for vm in erl "$BEAM"; do
        while read -r line; do
            name=$(echo "$line" | sed -n 's/{\([a-z_]*\),.*/\1/p')
            us=$(echo "$line" | sed -n 's/{[a-z_]*,[0-9]*,\([0-9]*\)}/\1/p')
            key="$vm/$name"
            if [ -z "${best[$key]:-}" ] || [ "$us" -lt "${best[$key]}" ]; then best[$key]=$us; fi
        done < <(pair "$vm")
    done
done
printf "%-22s %12s %12s %8s\n" measure erl beam ratio
for m in rtt:20000 one_way:200000 rpc_call:5000; do
    name=${m%%:*}; n=${m##*:}
    awk -v n="$n" -v name="$name" -v e="${best[erl/$name]}" -v b="${best[$BEAM/$name]}" \
        'BEGIN { printf "%-22s %12.0f %12.0f %8.2f\n", name "/s", n*1e6/e, n*1e6/b, e/b }'
done
