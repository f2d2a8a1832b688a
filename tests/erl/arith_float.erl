-module(arith_float).
-export([main/0, id/1]).
%% Float arithmetic (float registers: fadd/fsub/fmul/fdiv/fnegate), conversions, rounding BIFs.
id(X) -> X.
main() ->
    X = ?MODULE:id(1.5), Y = ?MODULE:id(-2.25),
    erlang:display([X + Y, X - Y, X * Y, X / Y, -X, Y / 3]),
    erlang:display(poly(?MODULE:id(0.5))),
    erlang:display([1 / 3, 2 / 3, 10 / 4, 1.0e10 * 1.0e10, 1.0e-10 / 1.0e10]),
    erlang:display([trunc(Y), round(Y), ceil(Y), floor(Y), trunc(X), round(X), ceil(X), floor(X)]),
    erlang:display([round(2.5), round(-2.5), round(0.5), round(1.4999999999999999)]),
    erlang:display([float(7), float(1 bsl 70), float(-3)]),
    erlang:display([trunc(1.0e20), trunc(-1.0e25), round(123456789.5)]),
    erlang:display(0.1 + 0.2),
    erlang:display(1.0e308 * 1.0),
    erlang:display(5.0e-324 / 2),
    erlang:display([abs(-0.5), abs(0.5)]),
    erlang:display(sum_floats(1000, 0.0)),
    erlang:display(mixed(?MODULE:id(3), ?MODULE:id(0.25))),
    erlang:display([X > 1, X < 1, 1.5 == 3 / 2, 2 * X =:= 3.0]),
    erlang:display(-0.0),
    erlang:display(0.0 * -1),
    erlang:display([1.0e15, 1.0e16, 123456.789, 1.0e-5, 0.000123]),
    erlang:display(float(1 bsl 1023) * 1.5).

poly(T) -> 3.0 * T * T * T - 2.0 * T * T + T / 7.0 - 1.0.

sum_floats(0, Acc) -> Acc;
sum_floats(N, Acc) -> sum_floats(N - 1, Acc + 1 / N).

mixed(I, F) -> {I + F, I * F, I / F, F - I, I / 2}.
