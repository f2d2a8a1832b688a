%% Maps through the erl_nif API (c-tests/nifs/nif_maps.c): iterators visit the pairs in
%% OTP's order, forwards and backwards, for flat maps and HAMTs (more than 32 keys), and
%% report heads and tails as OTP's do; size, lookup, put/update/remove and
%% enif_make_map_from_arrays agree with the maps module. Large maps have no atom keys (their
%% order depends on atom indices, which differ between VMs).
-module(nif_maps).
-export([main/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_maps"), 0).

iterate(_, _) -> erlang:nif_error(not_loaded).
walk(_, _, _) -> erlang:nif_error(not_loaded).
map_size_nif(_) -> erlang:nif_error(not_loaded).
get(_, _) -> erlang:nif_error(not_loaded).
put(_, _, _) -> erlang:nif_error(not_loaded).
update(_, _, _) -> erlang:nif_error(not_loaded).
remove(_, _) -> erlang:nif_error(not_loaded).
from_arrays(_) -> erlang:nif_error(not_loaded).
build(_) -> erlang:nif_error(not_loaded).

ints(N) -> maps:from_list([{K, K * 10} || K <- lists:seq(1, N)]).

mixed() ->
    maps:from_list([{K, V} || {K, V} <- lists:zip(
        [1, -1, 1 bsl 70, 2.5, -0.0, <<"b">>, <<>>, "str", [1 | 2], {1, 2}, {}, [], #{1 => 2},
         <<1:3>>] ++ lists:seq(100, 130),
        lists:seq(1, 45))]).

main() ->
    Maps = [#{}, #{a => 1}, #{c => 3, a => 1, b => 2}, #{1 => x, 1.0 => y, <<"1">> => z},
            ints(32), ints(33), ints(64), ints(100), ints(1000),
            maps:from_list([{integer_to_binary(K), K} || K <- lists:seq(1, 40)]),
            maps:from_list([{{K, K rem 3}, K} || K <- lists:seq(1, 50)]),
            mixed()],
    [show(M) || M <- Maps],
    walks(),
    lookups(),
    changes(),
    arrays(),
    ok.

%% The iteration order (whole for small maps, a hash of it for large ones), and how it
%% relates to maps:to_list/1 and to the backward iteration.
show(M) ->
    Fwd = iterate(M, first),
    Bwd = iterate(M, last),
    Shown = case map_size(M) =< 4 of
                true -> Fwd;
                false -> {lists:sublist(Fwd, 3), erlang:phash2(Fwd)}
            end,
    erlang:display({map_size(M), Shown, Fwd =:= maps:to_list(M), Bwd =:= lists:reverse(Fwd),
                    lists:sort(Fwd) =:= lists:sort(maps:to_list(M)), map_size_nif(M)}).

walks() ->
    Moves = {none, prev, prev, next, next, next, next, next, next, prev, prev, prev, prev, prev,
             prev, next},
    [erlang:display({map_size(M), E, walk(M, E, Moves)})
     || M <- [#{}, #{a => 1}, #{a => 1, b => 2, c => 3}], E <- [first, last]],
    %% A HAMT: the keys in the order visited.
    Big = ints(40),
    Keys = fun(Steps) -> [{R, H, T, K} || {R, H, T, K} <- Steps] end,
    erlang:display(Keys(walk(Big, first, {prev, next, next, prev, prev, prev, next, next}))),
    Last = walk(Big, last, {none, next, next, prev, prev, prev}),
    erlang:display(Last),
    erlang:display(walk(#{a => 1}, middle, {none})),
    erlang:display(walk(not_a_map, first, {none})).

lookups() ->
    Big = ints(100),
    erlang:display([get(M, K) || M <- [#{a => 1}, Big, #{1 => a}], K <- [a, 1, 1.0, 50, 500]]),
    erlang:display(get(not_a_map, a)),
    erlang:display([map_size_nif(X) || X <- [#{}, #{a => 1}, Big, not_a_map, [], {}]]).

changes() ->
    Small = #{a => 1, b => 2},
    Full = ints(32),
    Big = ints(33),
    erlang:display(put(Small, c, 3)),
    erlang:display(put(Small, a, 10)),
    erlang:display(put(#{1 => int}, 1.0, float)),
    erlang:display(put(not_a_map, a, 1)),
    Grown = put(Full, 33, 330),
    erlang:display({map_size(Grown), Grown =:= Big, iterate(Grown, first) =:= iterate(Big, first)}),
    Grown2 = put(Big, 5, new),
    erlang:display({Grown2 =:= Big#{5 := new}, iterate(Grown2, first) =:= maps:to_list(Big#{5 := new})}),
    erlang:display(update(Small, a, 10)),
    erlang:display(update(Small, z, 10)),
    erlang:display(update(#{1 => int}, 1.0, float)),
    erlang:display(update(not_a_map, a, 1)),
    erlang:display(update(Big, 7, seven) =:= Big#{7 := seven}),
    erlang:display(update(Big, 700, seven)),
    erlang:display(remove(Small, a)),
    erlang:display(remove(Small, z) =:= Small),
    erlang:display(remove(#{1 => int}, 1.0)),
    erlang:display(remove(not_a_map, a)),
    Shrunk = remove(Big, 33),
    erlang:display({map_size(Shrunk), Shrunk =:= Full, iterate(Shrunk, first) =:= iterate(maps:remove(33, Big), first),
                    iterate(Shrunk, first) =:= maps:to_list(maps:remove(33, Big))}),
    Built = build([{K, K} || K <- lists:reverse(lists:seq(1, 100))]),
    Ref = maps:from_list([{K, K} || K <- lists:seq(1, 100)]),
    erlang:display({Built =:= Ref, iterate(Built, first) =:= iterate(Ref, first),
                    iterate(Built, first) =:= maps:to_list(Ref)}).

arrays() ->
    erlang:display(from_arrays([])),
    erlang:display(from_arrays([{b, 2}, {a, 1}, {c, 3}])),
    erlang:display(from_arrays([{1, int}, {1.0, float}])),
    erlang:display(from_arrays([{a, 1}, {b, 2}, {a, 3}])),
    Pairs = [{K, K * 2} || K <- lists:seq(1, 40)],
    M = from_arrays(Pairs),
    erlang:display({M =:= maps:from_list(Pairs), iterate(M, first) =:= maps:to_list(M)}),
    erlang:display(from_arrays(Pairs ++ [{40, dup}])),
    Many = [{integer_to_list(K), K} || K <- lists:seq(1, 1500)],
    M2 = from_arrays(Many),
    erlang:display({map_size(M2), M2 =:= maps:from_list(Many), erlang:phash2(iterate(M2, last))}).
