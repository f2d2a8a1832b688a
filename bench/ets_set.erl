-module(ets_set).
-export([main/0]).
%% 1M inserts then 1M lookups on a set table.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Result = run(),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
run() ->
    T = ets:new(t, [set]),
    N = 1000000,
    ins(T, N),
    {size, ets:info(T, size), sum, look(T, N, 0)}.
ins(_, 0) -> ok;
ins(T, I) -> ets:insert(T, {I, I * 2}), ins(T, I - 1).
look(_, 0, S) -> S;
look(T, I, S) -> [{_, V}] = ets:lookup(T, I), look(T, I - 1, S + V).
