-module(mandelbrot).
-export([main/0]).
%% Mandelbrot set on an N x N grid over [-1.5, 0.5] x [-1, 1] (the benchmarks-game region), 50
%% iterations with escape radius 2: counts the points that stay and a checksum of the escape
%% iteration of those that leave. Float arithmetic in tight loops.
-define(ITER, 50).
main() ->
    N = 1200,
    T0 = erlang:monotonic_time(microsecond),
    Result = rows(0, N, 0, 0),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).

rows(Y, N, In, Sum) when Y =:= N -> {{size, N}, {inside, In}, {escape_sum, Sum}};
rows(Y, N, In, Sum) ->
    Ci = 2.0 * Y / N - 1.0,
    {In1, Sum1} = cols(0, N, Ci, In, Sum),
    rows(Y + 1, N, In1, Sum1).

cols(X, N, _, In, Sum) when X =:= N -> {In, Sum};
cols(X, N, Ci, In, Sum) ->
    Cr = 2.0 * X / N - 1.5,
    case escape(0, 0.0, 0.0, Cr, Ci) of
        inside -> cols(X + 1, N, Ci, In + 1, Sum);
        K -> cols(X + 1, N, Ci, In, Sum + K)
    end.

escape(?ITER, _, _, _, _) -> inside;
escape(K, Zr, Zi, Cr, Ci) ->
    Zr2 = Zr * Zr,
    Zi2 = Zi * Zi,
    if
        Zr2 + Zi2 > 4.0 -> K;
        true -> escape(K + 1, Zr2 - Zi2 + Cr, 2.0 * Zr * Zi + Ci, Cr, Ci)
    end.
