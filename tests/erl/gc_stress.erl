-module(gc_stress).
-export([main/0]).
%% Allocation-heavy loops that force many garbage collections; results must survive GC intact.
main() ->
    erlang:display(churn(200000, [])),
    Keep = [{I, lists:seq(1, I rem 20), <<I:32>>, float(I)} || I <- lists:seq(1, 20000)],
    _ = [lists:reverse(lists:seq(1, 100)) || _ <- lists:seq(1, 2000)],
    erlang:display(lists:sum([I + length(L) + byte_size(B) + trunc(F) || {I, L, B, F} <- Keep])),
    erlang:display(deep_tuple(100000, {})),
    Bins = [list_to_binary(lists:duplicate(100, I rem 256)) || I <- lists:seq(1, 2000)],
    _ = [binary:copy(<<"garbage">>, 50) || _ <- lists:seq(1, 5000)],
    erlang:display(lists:sum([binary:first(B) || B <- Bins])),
    M = lists:foldl(fun(I, Acc) -> Acc#{I => [I]} end, #{}, lists:seq(1, 50000)),
    erlang:display(lists:sum(lists:append(maps:values(M)))),
    erlang:display(length(erlang:garbage_collect() =:= true andalso [ok])).

churn(0, Acc) -> length(Acc);
churn(N, Acc) when N rem 1000 =:= 0 -> churn(N - 1, [N]);
churn(N, Acc) -> churn(N - 1, [{N, [N, N]} | Acc]).

deep_tuple(0, T) -> depth(T, 0);
deep_tuple(N, T) -> deep_tuple(N - 1, {T}).

depth({}, D) -> D;
depth({T}, D) -> depth(T, D + 1).
