-module(parallel).
-export([main/0]).
%% A CPU job split over 8 workers (scales with schedulers): naive fib(34) in each (about
%% 0.3 s of work on one core, long enough that start-up and compiling do not count).
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Self = self(),
    Ws = [spawn(fun() -> Self ! {self(), fib(34)} end) || _ <- lists:seq(1, 8)],
    Result = [receive {W, R} -> R end || W <- Ws],
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
