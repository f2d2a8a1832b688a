-module(ets_bag).
%% ETS bag and duplicate_bag: identical objects kept once (bag) or every time (duplicate_bag),
%% lookup returning the objects of a key in insertion order (single inserts and list inserts),
%% insert_new, member, delete/2, delete_object (removes every identical copy), take,
%% lookup_element giving a list, select/select_count/select_delete, match/match_object/
%% match_delete, first/next over keys, foldl, info size.  Results whose order is not defined
%% (whole-table traversals) are sorted.
-export([main/0]).

d(X) -> erlang:display(X).

sorted(T) -> lists:sort(ets:tab2list(T)).

main() ->
    [semantics(Type) || Type <- [bag, duplicate_bag]],
    [order(Type) || Type <- [bag, duplicate_bag]],
    [ops(Type) || Type <- [bag, duplicate_bag]],
    numbers(),
    ok.

semantics(Type) ->
    d(Type),
    T = ets:new(sem, [Type]),
    d(ets:insert(T, {k, 1})),
    d(ets:insert(T, {k, 1})),
    d(ets:insert(T, {k, 2})),
    d(ets:insert(T, [{k, 2}, {k, 3}, {j, 1}, {j, 1}])),
    d(ets:info(T, size)),
    d(lists:sort(ets:lookup(T, k))),
    d(lists:sort(ets:lookup(T, j))),
    d(sorted(T)),
    %% insert_new looks at the key only
    d(ets:insert_new(T, {k, 99})),
    d(ets:insert_new(T, {new, 1})),
    d(ets:insert_new(T, [{n1, 1}, {n1, 2}])),
    d(lists:sort(ets:lookup(T, n1))),
    d(ets:insert_new(T, [{n2, 1}, {k, 1}])),
    d(ets:member(T, n2)),
    %% objects of different sizes under one key
    ets:insert(T, [{m}, {m, 1}, {m, 1, 2}, {m}]),
    d(lists:sort(ets:lookup(T, m))),
    %% keypos 2 in a bag
    K = ets:new(kp, [Type, {keypos, 2}]),
    ets:insert(K, [{a, key}, {b, key}, {a, key}, {c, other}]),
    d(lists:sort(ets:lookup(K, key))),
    d(lists:sort(ets:lookup_element(K, key, 1))),
    d(ets:info(K, size)),
    ets:delete(K),
    ets:delete(T).

order(Type) ->
    d({order, Type}),
    %% single inserts: lookup lists the objects of a key in insertion order
    T = ets:new(ord, [Type]),
    [ets:insert(T, {k, V}) || V <- [5, 3, 9, 1, 3, 7]],
    d(ets:lookup(T, k)),
    d(ets:lookup_element(T, k, 2)),
    ets:insert(T, {k, 5}),
    d(ets:lookup(T, k)),
    ets:delete_object(T, {k, 9}),
    ets:insert(T, {k, 9}),
    d(ets:lookup(T, k)),
    %% list inserts
    L = fun(Inserts) ->
                B = ets:new(l, [Type]),
                [ets:insert(B, I) || I <- Inserts],
                R = ets:lookup(B, k),
                ets:delete(B),
                R
        end,
    d(L([[{k, 1}, {k, 2}, {k, 3}]])),
    d(L([[{k, 1}, {k, 2}, {k, 1}]])),
    d(L([[{k, 1}, {k, 1}, {k, 2}]])),
    d(L([[{k, 1}, {k, 2}, {k, 3}, {k, 2}]])),
    d(L([{k, 0}, [{k, 1}, {k, 2}, {k, 3}]])),
    d(L([[{k, 1}, {j, 1}, {k, 2}, {j, 2}, {k, 3}]])),
    d(L([[{k, 1}], {k, 2}, [{k, 3}, {k, 4}], {k, 1}])),
    ets:delete(T).

ops(Type) ->
    d({ops, Type}),
    T = ets:new(ops, [Type]),
    ets:insert(T, [{a, 1, x}, {a, 2, y}, {a, 1, x}, {b, 1, x}, {b, 3, z}, {c, 4, w}]),
    d(ets:info(T, size)),
    %% lookup_element gives a list of the element of every object with the key
    d(lists:sort(ets:lookup_element(T, a, 2))),
    d(lists:sort(ets:lookup_element(T, a, 3))),
    d(ets:lookup_element(T, c, 3)),
    d(try ets:lookup_element(T, zz, 2) catch error:R1 -> R1 end),
    d(try ets:lookup_element(T, a, 4) catch error:R2 -> R2 end),
    %% traversal visits every key once
    d(lists:sort(walk(T, ets:first(T)))),
    d(lists:sort(ets:foldl(fun(O, A) -> [O | A] end, [], T))),
    %% select / select_count / match / match_object
    d(lists:sort(ets:select(T, [{{'$1', '$2', x}, [], [{{'$1', '$2'}}]}]))),
    d(ets:select_count(T, [{{'_', '_', x}, [], [true]}])),
    d(ets:select_count(T, [{{a, '_', '_'}, [], [true]}])),
    d(ets:select_count(T, [{{'_', '$1', '_'}, [{'>', '$1', 1}], [true]}])),
    d(ets:select_count(T, [{{'_', '$1', '_'}, [{'>', '$1', 1}], [false]}])),
    d(lists:sort(ets:match(T, {'$1', 1, '$2'}))),
    d(lists:sort(ets:match_object(T, {a, '_', '_'}))),
    d(lists:sort(ets:match_object(T, {'_', 1, x}))),
    %% delete_object removes every copy of the identical object and only those
    d(ets:delete_object(T, {a, 1, x})),
    d(lists:sort(ets:lookup(T, a))),
    d(ets:delete_object(T, {a, 9, x})),
    d(ets:delete_object(T, {zz, 1, x})),
    d(ets:info(T, size)),
    %% take removes and returns every object of the key
    ets:insert(T, [{t, 1}, {t, 2}, {t, 1}]),
    d(lists:sort(ets:take(T, t))),
    d(ets:take(T, t)),
    d(ets:member(T, t)),
    %% match_delete
    ets:insert(T, [{md, 1, x}, {md, 2, x}, {md, 2, x}, {md, 3, y}]),
    d(ets:match_delete(T, {md, '_', x})),
    d(lists:sort(ets:lookup(T, md))),
    d(ets:match_delete(T, {nothing, '_', '_'})),
    d(ets:match_delete(T, {'_', 3, '_'})),
    d(sorted(T)),
    %% select_delete
    ets:insert(T, [{sd, N, N rem 2} || N <- lists:seq(1, 10)] ++ [{sd, 2, 0}]),
    d(ets:select_delete(T, [{{sd, '_', 0}, [], [true]}])),
    d(lists:sort(ets:lookup(T, sd))),
    %% delete/2 removes all objects of a key
    d(ets:delete(T, sd)),
    d(ets:lookup(T, sd)),
    d(ets:info(T, size)),
    d(sorted(T)),
    d(ets:delete_all_objects(T)),
    d(ets:info(T, size)),
    d(ets:first(T)),
    ets:delete(T).

walk(_T, '$end_of_table') -> [];
walk(T, K) -> [K | walk(T, ets:next(T, K))].

numbers() ->
    %% 1 and 1.0 are different keys in a hash table, and different objects
    B = ets:new(nb, [bag]),
    ets:insert(B, [{1, a}, {1.0, a}, {1, a}, {1, 1}, {1, 1.0}]),
    d(ets:info(B, size)),
    d(lists:sort(ets:lookup(B, 1))),
    d(ets:lookup(B, 1.0)),
    d(ets:delete_object(B, {1, 1.0})),
    d(lists:sort(ets:lookup(B, 1))),
    ets:delete(B).
