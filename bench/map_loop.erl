-module(map_loop).
-export([main/0]).
%% Map-heavy loop: word-count style updates of a map with 5000 keys, 3M operations.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    M = loop(3000000, 7, #{}),
    Result = {map_size(M), maps:fold(fun(K, V, A) -> (A + K * V) rem 1000000007 end, 0, M)},
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).

loop(0, _, M) -> M;
loop(N, X, M) ->
    X1 = (X * 1103515245 + 12345) band 16#7FFFFFFF,
    K = X1 rem 5000,
    case M of
        #{K := C} -> loop(N - 1, X1, M#{K := C + 1});
        _ -> loop(N - 1, X1, M#{K => 1})
    end.
