-module(maps_flat_keys).
-export([main/0, id/1]).
%% Small (flat) maps keyed by terms of every kind: looking up, updating the values of keys
%% a map has (alone, several at once, the same value again), adding keys (one, several, the
%% same key twice in one update, mixed with updates), up to and past 32 keys and back, with
%% keys that are equal in == but not in =:= (1 and 1.0), 0.0 and -0.0, and tuple, list,
%% binary, map and pid keys; =:= and == of tuples and lists holding such terms.
id(X) -> X.

keys() ->
    [a, zz, 0, 1, 1.0, -7, 0.0, {b_var, 1}, {b_var, 2}, {b_var, 1, x}, {}, [], [a],
     [a | b], "str", <<"bin">>, <<1:3>>, #{k => v}, self(), 1 bsl 70, 2.5, {1.0}, {1}].

main() ->
    Keys = keys(),
    M = maps:from_list([{K, id(N)} || {N, K} <- lists:enumerate(Keys)]),
    erlang:display(map_size(M)),
    %% Lookups with fresh copies of each key (not the same words).
    Copies = binary_to_term(term_to_binary(Keys)),
    erlang:display([maps:get(K, M, none) || K <- Copies]),
    erlang:display([is_map_key(K, M) || K <- [2, 1.5, {b_var, 3}, {b_var}, [b], <<"bim">>, -0.0]]),
    %% Updates of keys the map has.
    M1 = M#{{b_var, 1} => new, 1.0 => float_one},
    erlang:display([maps:get(K, M1) || K <- [{b_var, 1}, 1.0, 1, {b_var, 2}]]),
    M2 = M1#{[a] := list_a, <<"bin">> := bin},
    erlang:display([maps:get(K, M2) || K <- [[a], <<"bin">>]]),
    erlang:display(M2 =:= M1#{[a] => list_a, <<"bin">> => bin}),
    Same = M#{a => maps:get(a, M)},
    erlang:display(Same =:= M),
    %% Adding keys to a small map: one, several, the same key twice, with updates.
    S0 = #{{k, 2} => two, 5 => five},
    S1 = S0#{{k, 1} => one},
    S2 = S1#{id(x) => 1, id(x) => 2},
    S3 = S2#{{k, 2} => deux, [z] => z, 5 => cinq, 4.0 => four},
    erlang:display([S1, S2, S3]),
    erlang:display(maps:to_list(S3)),
    %% 0.0 and -0.0 are one key in OTP 25; 1 and 1.0 are two.
    Z = #{0.0 => pos},
    erlang:display({maps:get(-0.0, Z, none), Z#{-0.0 => neg}, #{1 => i, 1.0 => f}}),
    %% Growing past 32 keys one at a time, then shrinking back.
    Big = lists:foldl(fun(I, Acc) -> Acc#{{key, I} => I} end, #{}, lists:seq(1, 40)),
    erlang:display({map_size(Big), maps:get({key, 33}, Big), maps:get({key, 32}, Big)}),
    Small = lists:foldl(fun(I, Acc) -> maps:remove({key, I}, Acc) end, Big, lists:seq(1, 20)),
    erlang:display(lists:sort(maps:to_list(Small))),
    Upd = lists:foldl(fun(I, Acc) -> Acc#{{key, I} := -I} end, Small, lists:seq(21, 40)),
    erlang:display(lists:sum(maps:values(Upd))),
    %% Equality of tuples and lists holding numbers, binaries and maps.
    Pairs = [{{1, 2.0}, {1, 2.0}}, {{1, 2}, {1, 2.0}}, {{0.0}, {-0.0}}, {[1, {a}], [1, {a}]},
             {[1 | 2], [1 | 2.0]}, {{<<"ab">>, #{a => {1}}}, {<<"ab">>, #{a => {1}}}},
             {{<<1:3>>}, {<<1:3>>}}, {{<<1:3>>}, {<<1:4>>}}, {{a, b, c}, {a, b}},
             {{a, {b, {c, d}}}, {a, {b, {c, e}}}}, {{}, {}}, {{x, [y, {z}]}, {x, [y, {z}]}}],
    erlang:display([{A =:= id(B), A == id(B)} || {A, B} <- Pairs]).
