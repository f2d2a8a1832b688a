-module(ets_select).
-export([main/0]).
%% select with a guard over 100k rows, 200 times.
main() ->
    T = ets:new(t, [set]),
    ets:insert(T, [{I, I rem 1000, <<"payload">>} || I <- lists:seq(1, 100000)]),
    MS = [{{'$1', '$2', '_'}, [{'<', '$2', 10}, {'>', '$1', 500}], ['$1']}],
    erlang:display(loop(T, MS, 200, 0)).
loop(_, _, 0, Acc) -> Acc;
loop(T, MS, K, Acc) -> loop(T, MS, K - 1, Acc + length(ets:select(T, MS))).
