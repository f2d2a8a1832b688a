#!/usr/bin/env bash
# Seeds the fuzz corpora: a sample of OTP's .beam files, and external terms from erl.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/loader corpus/binary_to_term
root=$(erl -noshell -eval 'io:format("~s", [code:root_dir()]), halt().')
ls "$root"/lib/stdlib-*/ebin/*.beam | head -40 | xargs -I{} cp {} corpus/loader/
erl -noshell -eval '
  Terms = [0, -1, 1 bsl 70, 1.5, abc, "str", [a|b], {1,2}, <<1,2,3>>, <<1:3>>, #{a => 1},
           maps:from_list([{I, I} || I <- lists:seq(1, 40)]), fun lists:map/2, self(), make_ref(),
           fun() -> ok end, term_to_binary(x, [compressed])],
  lists:foreach(fun({I, T}) ->
      file:write_file(io_lib:format("corpus/binary_to_term/t~p", [I]), term_to_binary(T)),
      file:write_file(io_lib:format("corpus/binary_to_term/c~p", [I]), term_to_binary(T, [compressed]))
  end, lists:zip(lists:seq(1, length(Terms)), Terms)),
  halt().'
echo "seeded fuzz/corpus"
