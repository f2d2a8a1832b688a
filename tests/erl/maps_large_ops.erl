-module(maps_large_ops).
-export([main/0]).
%% Operations on big maps: merge, with/without, filter, update in loops, comparison and sorting.
main() ->
    A = maps:from_list([{I, a} || I <- lists:seq(1, 500)]),
    B = maps:from_list([{I, b} || I <- lists:seq(250, 750)]),
    M = maps:merge(A, B),
    erlang:display(map_size(M)),
    erlang:display([maps:get(I, M) || I <- [1, 249, 250, 500, 751 - 1]]),
    erlang:display(map_size(maps:with(lists:seq(1, 1000, 7), M))),
    erlang:display(map_size(maps:filter(fun(K, V) -> K rem 3 =:= 0 andalso V =:= b end, M))),
    C = lists:foldl(fun(I, Acc) -> maps:update_with(I rem 17, fun(X) -> X + I end, I, Acc) end, #{}, lists:seq(1, 5000)),
    erlang:display(lists:sort(maps:to_list(C))),
    erlang:display(lists:sum(maps:values(C))),
    Big1 = maps:from_list([{I, I} || I <- lists:seq(1, 100)]),
    Big2 = maps:from_list([{I, I} || I <- lists:seq(100, 1, -1)]),
    erlang:display(Big1 =:= Big2),
    erlang:display(Big1 < Big2#{101 => 0}),
    erlang:display(lists:sort([#{b => 1}, #{a => 2}, #{a => 1, b => 1}, #{}, #{c => 0}, Big1])
                   =:= [#{}, #{a => 2}, #{b => 1}, #{c => 0}, #{a => 1, b => 1}, Big1]),
    Del = lists:foldl(fun(I, Acc) -> maps:remove(I, Acc) end, Big1, lists:seq(1, 95)),
    erlang:display(Del),
    erlang:display(maps:keys(maps:merge(Del, #{a => 1, b => 2}))),
    erlang:display(erlang:phash2(Big1)),
    erlang:display(maps:get(50, maps:put(50, changed, Big1))),
    show(catch maps:update(999, x, Big1)).

%% Displays a catch result without the frames of init (the real erl's -s caller).
show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).
