-module(ets_counter).
-export([main/0]).
%% update_counter on one key of a public table from two processes (two schedulers).
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Result = run(),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
run() ->
    T = ets:new(t, [public, set, {write_concurrency, true}]),
    ets:insert(T, {k, 0}),
    Self = self(),
    N = 4000000,
    Ps = [spawn(fun() -> bump(T, N), Self ! {done, self()} end) || _ <- [1, 2]],
    [receive {done, P} -> ok end || P <- Ps],
    ets:lookup(T, k).
bump(_, 0) -> ok;
bump(T, I) -> ets:update_counter(T, k, 1), bump(T, I - 1).
