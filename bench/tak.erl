-module(tak).
-export([main/0]).
%% Takeuchi function, 120 times: deep non-tail recursion with three arguments.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Result = loop(120, 0),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
loop(0, Acc) -> Acc;
loop(N, Acc) -> loop(N - 1, Acc + tak(24, 16, 8) + tak(18, 12, 6)).
tak(X, Y, Z) when Y < X -> tak(tak(X - 1, Y, Z), tak(Y - 1, Z, X), tak(Z - 1, X, Y));
tak(_, _, Z) -> Z.
