#!/usr/bin/env bash
# Process benchmarks that need flags: scaling of the parallel job (its own in-VM time, best of
# 3) from +S 1 to +S 2 on each VM,
# and peak memory with 1,000,000 idle processes (+P 2000000). Usage: bash bench/procs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
BEAM=target/release/beam
[ -x "$BEAM" ] || cargo build --release --bin beam
erlc -o "$OUT" bench/parallel.erl bench/flags/idle_procs.erl
# The job's own time in seconds, as the program measures it ({bench_us, N}); best of 3.
job() {
    local best="" us
    for _ in 1 2 3; do
        us=$("$@" 2>&1 | tr -d '\r' | sed -n 's/^{bench_us,\([0-9][0-9]*\)}$/\1/p' | tail -n 1)
        if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
    done
    echo "$best / 1000000" | bc -l
}
for vm in erl beam; do
    for s in 1 2; do
        if [ $vm = erl ]; then
            d=$(job erl +S $s -noshell -pa $OUT -s parallel main -s init stop)
        else
            d=$(job $BEAM --bare +S $s -pa $OUT -s parallel main)
        fi
        printf '%s parallel +S %s: %.3f s\n' $vm $s "$d"
        eval "${vm}_$s=$d"
    done
done
printf 'scaling +S1 -> +S2: erl %.2fx, beam %.2fx\n' "$(echo "$erl_1 / $erl_2" | bc -l)" "$(echo "$beam_1 / $beam_2" | bc -l)"
e=$( { /usr/bin/time -f '%M %e' erl +P 2000000 -noshell -pa $OUT -s idle_procs main -s init stop >/dev/null; } 2>&1 | tail -1)
b=$( { /usr/bin/time -f '%M %e' $BEAM --bare +P 2000000 -pa $OUT -s idle_procs main >/dev/null; } 2>&1 | tail -1)
printf '1M idle processes: erl peak RSS %s KB in %s s, beam peak RSS %s KB in %s s\n' $e $b
