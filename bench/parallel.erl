-module(parallel).
-export([main/0]).
%% A CPU job split over 8 workers (scales with schedulers): naive fib(31) in each.
main() ->
    Self = self(),
    Ws = [spawn(fun() -> Self ! {self(), fib(31)} end) || _ <- lists:seq(1, 8)],
    erlang:display([receive {W, R} -> R end || W <- Ws]).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
