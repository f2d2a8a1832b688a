-module(arith_imm_ops).
-export([main/0]).
%% `+`/`-` with a literal operand and comparisons with `<`, `>=`, `=:=`, `=/=` against
%% literals, on every kind of operand: the small-integer fast paths, overflow into bignums,
%% floats, and the errors (badarith, with and without a guard to fail to).
main() ->
    D = fun(X) -> erlang:display(X) end,
    Max = (1 bsl 59) - 1,
    Min = -(1 bsl 59),
    Vals = [0, 1, -1, 41, Max, Min, Max - 1, Min + 1, 1 bsl 64, -(1 bsl 64), 2.5, -0.0],
    D([{inc(V), dec(V), inc_l(V), sub5(V), subneg(V)} || V <- Vals]),
    D([{lt3(V), ge3(V), lt_var(V, 3), ge_var(V, Max)} || V <- Vals ++ [a, [], {x}, "s"]]),
    D([{is_zero(V), not_zero(V), is_a(V), not_nil(V)} || V <- [0, 0.0, a, [], b, 1, {0}]]),
    D([guarded(V) || V <- [1, a, 2.0, [], 1 bsl 70]]),
    D([catch_inc(V) || V <- [a, [], {1}, <<>>, 3]]),
    D(try dec(foo) catch error:R:St -> {R, setelement(4, hd(St), loc)} end),
    D(try inc_l(foo) catch error:R2:St2 -> {R2, setelement(4, hd(St2), loc)} end),
    D(count(10, 0)),
    %% two-register arithmetic whose result is returned at once
    D([{add2(X, Y), sub2(X, Y), mul2(X, Y)} || X <- Vals, Y <- [3, Max, 2.5, 1 bsl 64]]),
    D(try add2(a, 1) catch error:R3:St3 -> {R3, setelement(4, hd(St3), loc)} end),
    D(try mul2(1, {}) catch error:R4:St4 -> {R4, setelement(4, hd(St4), loc)} end),
    D(sum_rec(lists:seq(1, 1000))),
    ok.

inc(X) when is_number(X) -> X + 1.
dec(X) -> X - 1.
inc_l(X) when is_number(X) -> 7 + X.
sub5(X) when is_number(X) -> X - 5.
subneg(X) when is_number(X) -> X - (-3).
lt3(X) -> X < 3.
ge3(X) -> X >= 3.
lt_var(X, Y) -> X < Y.
ge_var(X, Y) -> X >= Y.
is_zero(X) -> X =:= 0.
not_zero(X) -> X =/= 0.
is_a(X) -> X =:= a.
not_nil(X) -> X =/= [].
guarded(X) when X + 1 > 2 -> big;
guarded(X) when X - 1 < 5 -> small;
guarded(_) -> other.
catch_inc(X) -> try X + 1 catch error:E -> E end.
add2(A, B) -> A + B.
sub2(A, B) -> A - B.
mul2(A, B) -> A * B.
sum_rec([]) -> 0;
sum_rec([H | T]) -> H + sum_rec(T).
count(0, Acc) -> Acc;
count(N, Acc) when N >= 0, Acc =/= x -> count(N - 1, Acc + 2).
