%% The stack trace of a failing operator as OTP 25 reports it: a call the compiler knows will
%% fail (two constant operands, e.g. an atom plus an integer) has the operator's BIF frame on
%% top, as has a register operand with a constant that is not a small integer; a register
%% plus or minus a small constant fails in inline code, with the calling fun on top.
-module(arith_error_traces).
-export([main/0, id/1]).

id(X) -> X.

st(F) ->
    try F() of
        V -> {value, V}
    catch
        C:R:S -> {C, R, [{M, Fn, A} || {M, Fn, A, _} <- S, M =/= init]}
    end.

main() ->
    Known = [fun() -> a + 1 end, fun() -> 1 / 0 end, fun() -> a * 2 end, fun() -> -a end,
             fun() -> bnot a end, fun() -> 1 bsl a end, fun() -> 1 div 0 end,
             fun() -> a rem 1 end, fun() -> element(a, {}) end, fun() -> hd([]) end,
             fun() -> length(a) end, fun() -> tuple_size(a) end, fun() -> atom_to_list(1) end,
             fun() -> not 1 end, fun() -> true and 1 end, fun() -> [a] ++ b end,
             fun() -> a -- [] end, fun() -> 1.0 + a end, fun() -> map_size(a) end,
             fun() -> a band 1 end, fun() -> 2 - a end, fun() -> a - 2 end,
             fun() -> 2.5 * a end, fun() -> 1 bor a end, fun() -> a div 2 end,
             fun() -> 1 / a end, fun() -> a / 2 end],
    [erlang:display(st(F)) || F <- Known],
    Runtime = [fun() -> id(a) + 1 end, fun() -> 1 + id(a) end, fun() -> id(a) + id(1) end,
               fun() -> id(a) * 2 end, fun() -> id(a) - 2 end, fun() -> 2 - id(a) end,
               fun() -> id(a) - id(2) end, fun() -> id(a) + (1 bsl 70) end,
               fun() -> id(a) + b end, fun() -> id(1 bsl 59) + 1 end,
               fun() -> id(a) band 1 end, fun() -> id(1) / 0 end, fun() -> id(a) + 1.5 end,
               fun() -> id(-(1 bsl 59)) - 1 end],
    [erlang:display(st(F)) || F <- Runtime],
    ok.
