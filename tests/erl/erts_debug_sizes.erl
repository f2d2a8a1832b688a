%% erts_debug:flat_size/1, size/1 and size_shared/1 count terms in OTP's 64-bit words: heap,
%% refc and sub binaries as OTP lays them out, funs, maps (flatmaps and HAMTs, whose nodes
%% size_shared counts twice in OTP 25), literals (size_shared: 0) and shared subterms.
-module(erts_debug_sizes).
-export([main/0]).

clo(X) -> fun() -> X end.
acc(0, A) -> A;
acc(N, A) -> acc(N - 1, <<A/binary, N>>).
accb(0, A) -> A;
accb(N, A) -> accb(N - 1, <<A/bitstring, N:3>>).
sizes(T) -> {erts_debug:flat_size(T), erts_debug:size(T), erts_debug:size_shared(T)}.

main() ->
    B = list_to_binary(lists:seq(1, 100)),
    SB = list_to_binary(lists:seq(1, 30)),
    <<_:3, Sub/bitstring>> = B,
    <<_:8, Sub50:50/binary, _/binary>> = B,
    <<_:3, Sub16:16/bitstring, _/bitstring>> = B,
    <<_:8, Sub20:20/bitstring, _/bitstring>> = B,
    <<_:8, Sub64:64/binary, _/bitstring>> = B,
    <<_:8, Sub65:65/binary, _/bitstring>> = B,
    <<_:1, HSub/bitstring>> = SB,
    <<_:7, HSub9:9/bitstring, _/bitstring>> = SB,
    <<_:7, HSub2:2/bitstring, _/bitstring>> = SB,
    Pair = {lists:seq(1, 3), lists:seq(1, 3)},
    L = lists:seq(1, 2),
    Shared = [L, L, {L, L}],
    Cases = [
        {atom, a}, {small, 1}, {float, 1.5 * length(L)}, {nil, []}, {empty_tuple, {}},
        {big, 1 bsl (64 + length(L))}, {big_neg, -(1 bsl 200) - length(L)},
        {literal_tuple, {a, b}}, {literal_string, "abc"},
        {heap_bin, list_to_binary(lists:seq(1, 9))}, {empty_bin, list_to_binary([])},
        {refc_bin, B}, {sub_unaligned, Sub}, {sub_50, Sub50}, {sub_16_bits, Sub16},
        {sub_20_bits, Sub20}, {sub_64, Sub64}, {sub_65, Sub65}, {heap_sub, HSub},
        {heap_sub_9, HSub9}, {heap_sub_2, HSub2}, {bit_literal, <<1:3>>},
        {part, binary:part(B, 1, 10)}, {part_big, binary:part(B, 1, 80)},
        {split, hd(binary:split(B, <<50>>))}, {appended, <<B/binary, 1>>},
        {acc5, acc(5, <<>>)}, {acc70, acc(70, <<>>)}, {accb5, accb(5, <<>>)},
        {bits_appended, <<B/binary, 1:1>>}, {b2t, binary_to_term(term_to_binary(B))},
        {fun1, clo(1)}, {fun_tuple, clo({x, length(L)})}, {fun_literal_env, clo({a, b})},
        {export_fun, fun lists:map/2}, {make_fun, erlang:make_fun(lists, map, 2)},
        {ref, make_ref()}, {pid, self()},
        {map0, maps:from_list([])}, {map1, maps:from_list([{a, length(L)}])},
        {map2, #{a => 1, b => 2}}, {map33, maps:from_list([{K, K} || K <- lists:seq(1, 33)])},
        {map40, maps:from_list([{K, K} || K <- lists:seq(1, 40)])},
        {map200, maps:from_list([{K, [K]} || K <- lists:seq(1, 200)])},
        {pair, Pair}, {shared, Shared}, {bin_twice, {B, B}}
    ],
    [erlang:display({Name, sizes(T)}) || {Name, T} <- Cases],
    erlang:display([erts_internal:term_type(maps:from_list([{K, K} || K <- lists:seq(1, 40)])),
                    erts_internal:map_to_tuple_keys(#{a => 1, b => 2}),
                    try erts_internal:map_to_tuple_keys(x) catch error:R -> R end]),
    erlang:display([erts_debug:flat_size(X) || X <- [1 bsl 100, {[]}, [a | b]]]),
    ok.
