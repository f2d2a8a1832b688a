-module(maps_module_funs).
-export([main/0]).
%% maps module: iterators, fold/map/filter/filtermap, groups_from_list-like folding, intersect, take.
main() ->
    M = #{a => 1, b => 2, c => 3, d => 4},
    erlang:display(maps:map(fun(_K, V) -> V * V end, M)),
    erlang:display(maps:filter(fun(_K, V) -> V rem 2 =:= 0 end, M)),
    erlang:display(maps:filtermap(fun(K, V) when V > 2 -> {true, {K, V}}; (_, _) -> false end, M)),
    erlang:display(maps:fold(fun(K, V, Acc) -> [{K, V} | Acc] end, [], M)),
    I = maps:iterator(M),
    erlang:display(iter(maps:next(I), [])),
    erlang:display(maps:take(a, M)),
    erlang:display(maps:take(z, M)),
    erlang:display(maps:intersect(M, #{a => x, z => y})),
    erlang:display(maps:intersect_with(fun(_, V1, V2) -> {V1, V2} end, M, #{b => x})),
    erlang:display(maps:merge_with(fun(_, V1, V2) -> V1 + V2 end, M, #{a => 10, e => 5})),
    erlang:display(maps:with([a, c, z], M)),
    erlang:display(maps:without([a, c, z], M)),
    erlang:display(maps:update_with(a, fun(V) -> V + 100 end, M)),
    erlang:display(maps:update_with(z, fun(V) -> V + 100 end, 0, M)),
    erlang:display(maps:foreach(fun(_, _) -> ok end, M)),
    erlang:display(maps:from_keys([x, y], 0)),
    erlang:display(maps:is_key(b, M)),
    show(catch maps:get(a, not_a_map)),
    show(catch maps:from_list(not_a_list)),
    erlang:display(maps:groups_from_list(fun(X) -> X rem 3 end, lists:seq(1, 10))).

iter(none, Acc) -> lists:reverse(Acc);
iter({K, V, Next}, Acc) -> iter(maps:next(Next), [{K, V} | Acc]).

%% Displays a catch result without the frames of init (the real erl's -s caller).
show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).
