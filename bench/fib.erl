-module(fib).
-export([main/0]).
%% Naive doubly recursive fib(30), 120 times: calls and small-integer arithmetic.
main() -> erlang:display(loop(120, 0)).
loop(0, Acc) -> Acc;
loop(N, Acc) -> loop(N - 1, Acc + fib(30)).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
