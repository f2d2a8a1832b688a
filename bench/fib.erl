-module(fib).
-export([main/0]).
%% Naive doubly recursive fib(30): calls and small-integer arithmetic.
main() -> erlang:display(fib(30)).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
