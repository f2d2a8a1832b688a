-module(maps_hamt_order).
-export([main/0]).
%% Large maps (> 32 keys, HAMT): iteration order of keys/to_list/fold and display must match OTP.
main() ->
    M33 = maps:from_list([{I, I * I} || I <- lists:seq(1, 33)]),
    erlang:display(maps:keys(M33)),
    erlang:display(maps:to_list(maps:from_list([{I, x} || I <- lists:seq(1, 32)]))),
    Atoms = [list_to_atom("key" ++ integer_to_list(I)) || I <- lists:seq(1, 60)],
    MA = maps:from_list([{A, 1} || A <- Atoms]),
    %% Atom keys hash by their atom-table index in OTP (boot-order dependent): compare sorted.
    erlang:display(lists:sort(maps:keys(MA))),
    %% Keys hold no atoms: OTP hashes atoms in map keys by their atom-table index.
    Mixed = maps:from_list([{I, v} || I <- lists:seq(1, 20)] ++ [{integer_to_list(I), s} || I <- lists:seq(1, 20)] ++
                           [{{I, I * 3}, t} || I <- lists:seq(1, 10)] ++ [{I * 1.5, f} || I <- lists:seq(1, 10)]),
    erlang:display(maps:keys(Mixed)),
    erlang:display(maps:fold(fun(K, _, Acc) -> [K | Acc] end, [], M33)),
    erlang:display(M33),
    Big = maps:from_list([{I, I} || I <- lists:seq(1, 1000)]),
    erlang:display(lists:sublist(maps:keys(Big), 40)),
    erlang:display(lists:sublist(maps:to_list(maps:map(fun(_, V) -> V * 2 end, Big)), 20)),
    Shrunk = maps:without(lists:seq(1, 990), Big),
    erlang:display(Shrunk),
    erlang:display(maps:keys(maps:remove(5, M33))),
    Grown = lists:foldl(fun(I, Acc) -> Acc#{I => I} end, #{}, lists:seq(40, 1, -1)),
    erlang:display(maps:keys(Grown)),
    erlang:display(maps:iterator(#{}) =/= none),
    erlang:display(Grown =:= maps:from_list([{I, I} || I <- lists:seq(1, 40)])),
    erlang:display(maps:keys(maps:from_list([{<<I>>, I} || I <- lists:seq(1, 40)]))).
