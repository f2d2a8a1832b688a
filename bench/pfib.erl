-module(pfib).
-export([main/0]).
%% Parallel fib: Workers processes each compute naive fib(N) (with its own argument offset so
%% the results differ), the parent collects the results in spawn order. Scales with schedulers.
main() ->
    Workers = 16, N = 36,
    T0 = erlang:monotonic_time(microsecond),
    Self = self(),
    Pids = [spawn(fun() -> Self ! {self(), K, fib(N - K rem 3)} end) || K <- lists:seq(1, Workers)],
    Results = [receive {Pid, K, R} -> {K, R} end || Pid <- Pids],
    Sum = lists:sum([R || {_, R} <- Results]),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display({Sum, Results}),
    erlang:display({bench_us, T1 - T0}).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
