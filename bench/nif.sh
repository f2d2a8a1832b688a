#!/usr/bin/env bash
# NIF benchmarks against the real erl in the same run: each bench/nif/*.erl program (with the
# NIF library bench/nif/nif_bench.c, or OTP's crypto) times its own work inside the VM
# (erlang:monotonic_time, so start-up and shutdown do not count) and prints
# {Name, Count, Microseconds}:
#   nif_call    10,000,000 calls of a trivial NIF
#   nif_dirty   100,000 calls of a dirty CPU-bound NIF
#   nif_send    1,000,000 enif_send messages from a created thread to one process
#   nif_sha256  1,000,000 crypto:hash(sha256, <<0:8192>>)
# Each runs BENCH_RUNS times (default 3) on each VM, alternating; the best time counts.
# Prints the ratio beam/erl per program.
# Usage: bash bench/nif.sh [name-substring]
set -euo pipefail
cd "$(dirname "$0")/.."
FILTER="${1:-}"
OUT=bench/out/nif
mkdir -p "$OUT"
BEAM=target/release/beam
if [ ! -x "$BEAM" ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --bin beam
fi
root=$(erl -noshell -eval 'io:format("~s", [code:root_dir()]), halt().')
cc -shared -fPIC -O2 -I"$root/usr/include" -o "$OUT/nif_bench.so" bench/nif/nif_bench.c
erlc -o "$OUT" bench/nif/*.erl
export BENCH_NIF_DIR="$PWD/$OUT"

micros() { sed -n 's/.*,\([0-9][0-9]*\)}.*/\1/p' | head -1; }
printf '%-12s %12s %12s %8s\n' program erl_us beam_us ratio
for src in bench/nif/*.erl; do
    m=$(basename "$src" .erl)
    [ "$m" = nif_bench ] && continue
    case "$m" in *"$FILTER"*) ;; *) continue ;; esac
    erl_best=""
    beam_best=""
    for _ in $(seq "${BENCH_RUNS:-3}"); do
        e=$(erl -noshell -pa "$OUT" -s "$m" main -s init stop 2>/dev/null | micros)
        b=$(timeout 300 "$BEAM" --bare -pa "$OUT" -s "$m" main 2>/dev/null | micros)
        if [ -n "$e" ] && { [ -z "$erl_best" ] || [ "$e" -lt "$erl_best" ]; }; then erl_best=$e; fi
        if [ -n "$b" ] && { [ -z "$beam_best" ] || [ "$b" -lt "$beam_best" ]; }; then beam_best=$b; fi
    done
    if [ -z "$erl_best" ] || [ -z "$beam_best" ]; then
        printf '%-12s %12s %12s %8s\n' "$m" "${erl_best:-fail}" "${beam_best:-fail}" "-"
        continue
    fi
    ratio=$(awk -v b="$beam_best" -v e="$erl_best" 'BEGIN { printf "%.2f", b / e }')
    printf '%-12s %12d %12d %8s\n' "$m" "$erl_best" "$beam_best" "$ratio"
done
