#!/usr/bin/env bash
# Process benchmarks that need flags: scaling of the parallel job from +S 1 to +S 2 on each VM,
# and peak memory with 1,000,000 idle processes (+P 2000000). Usage: bash bench/procs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
BEAM=target/release/beam
[ -x "$BEAM" ] || cargo build --release --bin beam
erlc -o "$OUT" bench/parallel.erl bench/flags/idle_procs.erl bench/empty/empty.erl
t() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
# Start-up time of each VM (an empty program) is subtracted.
erl_base=$(t erl -noshell -pa $OUT -s empty main -s init stop)
beam_base=$(t $BEAM --bare -pa $OUT -s empty main)
for vm in erl beam; do
    for s in 1 2; do
        if [ $vm = erl ]; then
            d=$(t erl +S $s -noshell -pa $OUT -s parallel main -s init stop)
            d=$(echo "$d - $erl_base" | bc -l)
        else
            d=$(t $BEAM --bare +S $s -pa $OUT -s parallel main)
            d=$(echo "$d - $beam_base" | bc -l)
        fi
        printf '%s parallel +S %s: %.3f s\n' $vm $s "$d"
        eval "${vm}_$s=$d"
    done
done
printf 'scaling +S1 -> +S2: erl %.2fx, beam %.2fx\n' "$(echo "$erl_1 / $erl_2" | bc -l)" "$(echo "$beam_1 / $beam_2" | bc -l)"
e=$( { /usr/bin/time -f '%M %e' erl +P 2000000 -noshell -pa $OUT -s idle_procs main -s init stop >/dev/null; } 2>&1 | tail -1)
b=$( { /usr/bin/time -f '%M %e' $BEAM --bare +P 2000000 -pa $OUT -s idle_procs main >/dev/null; } 2>&1 | tail -1)
printf '1M idle processes: erl peak RSS %s KB in %s s, beam peak RSS %s KB in %s s\n' $e $b
