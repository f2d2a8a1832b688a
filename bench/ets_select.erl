-module(ets_select).
-export([main/0]).
%% select with a guard over 100k rows, 200 times.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Result = run(),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
run() ->
    T = ets:new(t, [set]),
    ets:insert(T, [{I, I rem 1000, <<"payload">>} || I <- lists:seq(1, 100000)]),
    MS = [{{'$1', '$2', '_'}, [{'<', '$2', 10}, {'>', '$1', 500}], ['$1']}],
    loop(T, MS, 200, 0).
loop(_, _, 0, Acc) -> Acc;
loop(T, MS, K, Acc) -> loop(T, MS, K - 1, Acc + length(ets:select(T, MS))).
