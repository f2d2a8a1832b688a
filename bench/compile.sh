#!/usr/bin/env bash
# Times OTP's compiler on each VM: compile:file/2 of one large module (to a binary, nothing
# written), measured with timer:tc inside the VM, best of BENCH_RUNS (default 3) after one
# untimed run that loads the compiler. Prints both times, the ratio beam/erl, and whether the
# two compiled binaries are the same (they must be).
# The module: OTP's compiler/src/beam_ssa_opt.erl from Debian's erlang-src, or the file given
# as the first argument; without erlang-src, a large generated module.
# Usage: bash bench/compile.sh [path/to/module.erl]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
BEAM=target/release/beam
if [ ! -x "$BEAM" ] || [ -n "${BENCH_BUILD:-}" ]; then
    cargo build --release --bin beam
fi
RUNS="${BENCH_RUNS:-3}"
LIB=$(erl -noshell -eval 'io:format("~s", [code:lib_dir()]), halt().')
SRC="${1:-}"
if [ -z "$SRC" ]; then
    SRC=$(ls "$LIB"/compiler-*/src/beam_ssa_opt.erl 2>/dev/null | tail -1 || true)
fi
if [ -z "$SRC" ] || [ ! -f "$SRC" ]; then
    # No erlang-src: a module of 400 functions with clauses over tuples, maps, binaries,
    # records and list comprehensions.
    SRC="$OUT/compile_bench_big.erl"
    {
        echo "-module(compile_bench_big)."
        echo "-compile([export_all, nowarn_export_all])."
        echo "-record(r, {a, b = 0, c = []})."
        for i in $(seq 1 400); do
            echo "f$i({a, X}, #{k := V} = M) when is_integer(X), X > $i -> M#{k := V + X, n$i => [Y * 2 || Y <- lists:seq(1, X), Y rem 3 =/= 0]};"
            echo "f$i(<<L:8, B:L/binary, Rest/binary>>, R) -> {B, Rest, R#r{b = L + $i}};"
            echo "f$i(#r{a = A, c = [H | T]}, _) -> case A of $i -> {H, T}; {x, Z} -> f$i(Z, T); _ -> erlang:phash2({A, $i}) end;"
            echo "f$i(X, Y) -> {X, Y, $i.5, \"s$i\", 'atom_$i'}."
        done
    } >"$SRC"
fi
echo "module: $SRC"
INC=""
for app in kernel stdlib compiler; do
    d=$(ls -d "$LIB/$app"-*/include 2>/dev/null | tail -1 || true)
    [ -n "$d" ] && INC="$INC{i, \"$d\"}, "
done
EVAL="F = \"$SRC\", Opts = [binary, report, ${INC}{i, \"$(dirname "$SRC")\"}],
  {ok, M, B} = compile:file(F, Opts),
  Ts = [element(1, timer:tc(compile, file, [F, Opts])) || _ <- lists:seq(1, $RUNS)],
  io:format(\"result: ~w ~s ~w~n\", [lists:min(Ts), [io_lib:format(\"~2.16.0b\", [X]) || <<X>> <= erlang:md5(B)], M]),
  halt()."
erl_line=$(erl -noshell -eval "$EVAL" | sed -n "s/^result: //p")
beam_line=$("$BEAM" -noshell -eval "$EVAL" | sed -n "s/^result: //p")
read -r erl_us erl_md5 _ <<<"$erl_line"
read -r beam_us beam_md5 _ <<<"$beam_line"
if [ -z "$erl_us" ] || [ -z "$beam_us" ]; then
    echo "a VM did not compile $SRC (erl: '$erl_line', beam: '$beam_line')"
    exit 1
fi
if [ "$erl_md5" = "$beam_md5" ]; then same="same binary"; else same="DIFFERENT binaries ($erl_md5 vs $beam_md5)"; fi
awk -v e="$erl_us" -v b="$beam_us" -v s="$same" 'BEGIN {
    printf "compile:file best of runs: erl %.3f s, beam %.3f s, ratio beam/erl %.2f (%s)\n",
        e / 1e6, b / 1e6, b / e, s }'
