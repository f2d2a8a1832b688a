-module(parallel).
-export([main/0]).
%% A CPU job split over 8 workers (scales with schedulers): naive fib(31) in each.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Self = self(),
    Ws = [spawn(fun() -> Self ! {self(), fib(31)} end) || _ <- lists:seq(1, 8)],
    Result = [receive {W, R} -> R end || W <- Ws],
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
