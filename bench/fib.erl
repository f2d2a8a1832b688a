-module(fib).
-export([main/0]).
%% Naive doubly recursive fib(30), 120 times: calls and small-integer arithmetic.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Result = loop(120, 0),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
loop(0, Acc) -> Acc;
loop(N, Acc) -> loop(N - 1, Acc + fib(30)).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
