-module(ets_hash_order).
-export([main/0]).
%% The order in which set, bag and duplicate_bag tables are traversed (first/next,
%% tab2list, select and its chunks, slot) follows OTP's linear hash table: bucket
%% splits as the table grows, joins as it shrinks, chains with new keys at the tail,
%% lock-stripe order for write_concurrency tables, pseudo-deletion while fixed.
main() ->
    growth(),
    concurrency(),
    chunks(),
    fixation(),
    bags(),
    updates(),
    atoms(),
    ok.

keys(_, '$end_of_table') -> [];
keys(T, K) -> [K | keys(T, ets:next(T, K))].

growth() ->
    T = ets:new(t, [set]),
    [ets:insert(T, {I}) || I <- lists:seq(1, 20)],
    erlang:display(ets:tab2list(T)),
    erlang:display(keys(T, ets:first(T))),
    B = ets:new(b, [set]),
    [ets:insert(B, {I}) || I <- lists:seq(1, 1000)],
    erlang:display(lists:sublist(keys(B, ets:first(B)), 40)),
    [ets:insert(B, {I}) || I <- lists:seq(1001, 5000)],
    [ets:delete(B, I) || I <- lists:seq(1, 4900)],
    erlang:display(lists:sublist(keys(B, ets:first(B)), 40)),
    erlang:display([length(ets:slot(B, I)) || I <- lists:seq(0, 40)]),
    L = ets:new(l, [set]),
    ets:insert(L, [{I, x} || I <- lists:seq(1, 600)]),
    erlang:display(lists:sublist(ets:tab2list(L), 30)),
    ets:insert(L, lists:reverse([{I, y} || I <- lists:seq(601, 1200)])),
    erlang:display(lists:sublist(ets:tab2list(L), 30)).

concurrency() ->
    [begin
         T = ets:new(t, [set | O]),
         [ets:insert(T, {I, x}) || I <- lists:seq(1, 600)],
         erlang:display({O, lists:sublist(keys(T, ets:first(T)), 30)})
     end
     || O <- [[], [{write_concurrency, true}], [{write_concurrency, auto}],
              [{read_concurrency, true}], [private, {write_concurrency, true}],
              [{write_concurrency, true}, {decentralized_counters, true}],
              [{write_concurrency, true}, {decentralized_counters, false}]]].

chunk_loop('$end_of_table', N) -> erlang:display({done, N});
chunk_loop({L, C}, N) -> erlang:display(L), chunk_loop(ets:select(C), N + 1).

chunks() ->
    T = ets:new(t, [set]),
    ets:insert(T, [{I, I * I} || I <- lists:seq(1, 700)]),
    MS = [{{'$1', '$2'}, [{'<', '$1', 300}], ['$1']}],
    chunk_loop(ets:select(T, MS, 7), 0),
    chunk_loop(ets:select(T, [{{'$1', '_'}, [], ['$1']}], 100), 0),
    chunk_loop(ets:select(T, [{{'$1', '_'}, [], ['$1']}], 1), 0),
    chunk_loop(ets:match_object(T, {'_', '_'}, 50), 0),
    chunk_loop(ets:match(T, {'$1', '_'}, 3), 0),
    Keyed = [{{K, '$1'}, [], [{{K, '$1'}}]} || K <- [5, 3, 700, 9999, 4]],
    erlang:display(ets:select(T, Keyed)),
    chunk_loop(ets:select(T, Keyed, 2), 0),
    erlang:display(ets:select_reverse(T, MS) =:= ets:select(T, MS)),
    erlang:display([ets:slot(T, I) || I <- [0, 1, 2, 100, 255]]),
    erlang:display(ets:slot(T, 256)),
    erlang:display(try ets:slot(T, 100000) catch error:R -> R end).

fixation() ->
    T = ets:new(t, [set]),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 700)]),
    ets:safe_fixtable(T, true),
    K1 = ets:first(T),
    K2 = ets:next(T, K1),
    ets:delete(T, K1),
    ets:delete(T, K2),
    erlang:display({ets:next(T, K1), ets:next(T, K2), ets:info(T, size)}),
    [ets:insert(T, {I, x}) || I <- lists:seq(701, 1200)],
    erlang:display(lists:sublist(ets:tab2list(T), 10)),
    ets:insert(T, {K1, back}),
    erlang:display(ets:lookup(T, K1)),
    ets:safe_fixtable(T, false),
    erlang:display(try ets:next(T, K2) catch error:R -> R end),
    erlang:display(lists:sublist(ets:tab2list(T), 10)),
    [ets:insert(T, {I, y}) || I <- lists:seq(1201, 1300)],
    erlang:display(lists:sublist(ets:tab2list(T), 10)),
    erlang:display(ets:foldl(fun({K, _}, A) when K rem 3 =:= 0 -> ets:delete(T, K), A + 1;
                                (_, A) -> A
                             end, 0, T)),
    erlang:display(lists:sublist(ets:tab2list(T), 10)),
    erlang:display(ets:select_delete(T, [{{'$1', '_'}, [{'>', '$1', 100}], [true]}])),
    erlang:display(ets:tab2list(T)),
    ets:safe_fixtable(T, true),
    ets:delete_all_objects(T),
    ets:insert(T, {1, a}),
    erlang:display({ets:tab2list(T), ets:info(T, size)}),
    ets:safe_fixtable(T, false),
    erlang:display(ets:tab2list(T)).

bags() ->
    B = ets:new(b, [bag]),
    [ets:insert(B, {I rem 5, I}) || I <- lists:seq(1, 30)],
    ets:safe_fixtable(B, true),
    ets:delete_object(B, {2, 7}),
    ets:delete_object(B, {2, 2}),
    ets:insert(B, {2, 2}),
    erlang:display(ets:lookup(B, 2)),
    erlang:display(ets:take(B, 3)),
    ets:safe_fixtable(B, false),
    erlang:display(ets:tab2list(B)),
    erlang:display(ets:lookup_element(B, 4, 2)),
    [begin
         T = ets:new(t, [K]),
         ets:insert(T, [{1, a}, {1, b}, {2, c}, {1, d}]),
         erlang:display({K, ets:lookup(T, 1), ets:tab2list(T)})
     end || K <- [set, bag, duplicate_bag]],
    D = ets:new(d, [duplicate_bag]),
    [ets:insert(D, {I rem 4, I}) || I <- lists:seq(1, 20)],
    erlang:display(ets:match_delete(D, {1, '_'})),
    erlang:display(ets:tab2list(D)),
    erlang:display([ets:next(D, K) || K <- [0, 2, 3]]),
    Bg = ets:new(bg, [bag]),
    [ets:insert(Bg, {I rem 3, I}) || I <- lists:seq(1, 12)],
    erlang:display(ets:tab2list(Bg)),
    erlang:display(ets:lookup(Bg, 1)).

updates() ->
    C = ets:new(c, [set]),
    [ets:insert(C, {I, 0}) || I <- lists:seq(1, 300)],
    ets:update_counter(C, 17, 1 bsl 70),
    ets:update_element(C, 18, {2, [a]}),
    ets:update_counter(C, 9999, 1, {9999, 5}),
    erlang:display(lists:sublist(ets:tab2list(C), 40)),
    ets:delete_all_objects(C),
    [ets:insert(C, {I, z}) || I <- lists:seq(1, 10)],
    erlang:display(ets:tab2list(C)).

atoms() ->
    A = ets:new(a, [set]),
    [ets:insert(A, {list_to_atom([C])}) || C <- lists:seq($a, $t)],
    [ets:insert(A, {K}) || K <- ['ä', 'öl', café, 'Ωmega', hello, world, <<"bin">>, 3.5, -7,
                                 1 bsl 80, "str", [], {1, 2}, [1, 2, 3]]],
    erlang:display(ets:tab2list(A)).
