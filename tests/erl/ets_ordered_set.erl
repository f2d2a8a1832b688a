-module(ets_ordered_set).
%% ETS ordered_set: keys in term order across types (numbers < atoms < refs < funs < ports <
%% pids < tuples < maps < lists < binaries), 1 and 1.0 as one key, first/next/last/prev including
%% next/prev from keys not in the table, select/select_reverse/match/match_object with limits and
%% every continuation taken to the end ('$end_of_table'), slot/2, foldl/foldr, take, delete.
-export([main/0]).

d(X) -> erlang:display(X).

main() ->
    order(),
    traversal(),
    numbers(),
    chunks(),
    slots(),
    misc(),
    ok.

mixed_keys() ->
    [<<"b">>, <<"a">>, <<>>, <<1:1>>, [b], [a, b], [a], [], "abc",
     {}, {a}, {a, b}, {b}, {1, 2, 3}, {a, {b}},
     #{}, #{a => 1}, #{b => 0}, #{a => 2},
     zebra, apple, 'Apple', '', 'a b',
     -5, 3, 2.5, 1 bsl 70, -(1 bsl 70), 0, -0.5, 1.0e10].

order() ->
    T = ets:new(ord, [ordered_set]),
    Keys = mixed_keys(),
    ets:insert(T, [{K, N} || {K, N} <- lists:zip(Keys, lists:seq(1, length(Keys)))]),
    d(ets:info(T, size)),
    d([K || {K, _} <- ets:tab2list(T)]),
    d([K || {K, _} <- ets:tab2list(T)] =:= lists:sort(Keys)),
    d(ets:first(T)),
    d(ets:last(T)),
    %% insertion order does not matter
    T2 = ets:new(ord2, [ordered_set]),
    ets:insert(T2, [{K} || K <- lists:reverse(Keys)]),
    d([K || {K} <- ets:tab2list(T2)] =:= [K || {K, _} <- ets:tab2list(T)]),
    %% keypos other than 1
    T3 = ets:new(ord3, [ordered_set, {keypos, 2}]),
    ets:insert(T3, [{v, K} || K <- [c, a, b, 3, {x}, "s"]]),
    d(ets:tab2list(T3)),
    d(ets:first(T3)),
    d(ets:next(T3, a)),
    ets:delete(T3),
    ets:delete(T2),
    ets:delete(T).

walk_next(_T, '$end_of_table', Acc) -> lists:reverse(Acc);
walk_next(T, K, Acc) -> walk_next(T, ets:next(T, K), [K | Acc]).

walk_prev(_T, '$end_of_table', Acc) -> lists:reverse(Acc);
walk_prev(T, K, Acc) -> walk_prev(T, ets:prev(T, K), [K | Acc]).

traversal() ->
    T = ets:new(trav, [ordered_set]),
    d(ets:first(T)),
    d(ets:last(T)),
    d(ets:next(T, anything)),
    d(ets:prev(T, anything)),
    ets:insert(T, [{K, K} || K <- [10, 20, 30, 40, 50]]),
    d(walk_next(T, ets:first(T), [])),
    d(walk_prev(T, ets:last(T), [])),
    %% next/prev from keys that are in the table
    d([ets:next(T, K) || K <- [10, 30, 50]]),
    d([ets:prev(T, K) || K <- [10, 30, 50]]),
    %% next/prev from keys that are not in the table
    d([ets:next(T, K) || K <- [0, 15, 25.5, 49, 50.0, 55, atom, -1.0e100]]),
    d([ets:prev(T, K) || K <- [0, 10.0, 15, 25.5, 49, 55, atom, {t}, -1.0e100]]),
    %% 1 and 1.0 style: keys equal by == are the same position
    d(ets:next(T, 20.0)),
    d(ets:prev(T, 20.0)),
    %% after deletions the traversal skips the removed keys
    ets:delete(T, 30),
    d(ets:next(T, 20)),
    d(ets:prev(T, 40)),
    d(ets:next(T, 30)),
    d(ets:prev(T, 30)),
    %% mixed types
    M = ets:new(travm, [ordered_set]),
    ets:insert(M, [{K} || K <- mixed_keys()]),
    d(walk_next(M, ets:first(M), [])),
    d(walk_prev(M, ets:last(M), [])),
    d([ets:next(M, K) || K <- [aaa, {zz}, [], <<"a">>, "zzz", 4, {a, a}]]),
    d([ets:prev(M, K) || K <- [aaa, {zz}, [], <<"a">>, "zzz", 4, {a, a}, #{c => 1}]]),
    ets:delete(M),
    ets:delete(T).

numbers() ->
    T = ets:new(num, [ordered_set]),
    d(ets:insert(T, {1, int})),
    d(ets:insert(T, {1.0, float})),
    d(ets:tab2list(T)),
    d(ets:insert_new(T, {1, again})),
    d(ets:lookup(T, 1)),
    d(ets:member(T, 1)),
    d(ets:member(T, 1.0)),
    ets:insert(T, [{2.0, f2}, {3, i3}, {2.5, f25}, {-1, m1}, {1 bsl 64, big}, {1.0e19, fbig}]),
    d(ets:tab2list(T)),
    d(ets:lookup(T, 2)),
    d(ets:lookup(T, 3.0)),
    d(ets:lookup(T, 18446744073709551616.0)),
    d(ets:take(T, 2)),
    d(ets:delete(T, 3.0)),
    d(ets:tab2list(T)),
    d(ets:lookup_element(T, 1, 2)),
    d(ets:update_element(T, 1.0, {2, upd})),
    d(ets:lookup(T, 1)),
    d(ets:select(T, [{{'$1', '_'}, [{'==', '$1', 1}], ['$_']}])),
    d(ets:select(T, [{{1, '_'}, [], ['$_']}])),
    d(ets:match_object(T, {1.0, '_'})),
    d(ets:match_object(T, {'_', upd})),
    d(ets:select(T, [{{{a, 1}, '_'}, [], ['$_']}])),
    ets:insert(T, [{{a, 1}, t1}, {{a, 1.0}, t2}, {{a, 2}, t3}]),
    d(ets:select(T, [{{{a, 1}, '_'}, [], ['$_']}])),
    d(ets:select(T, [{{{a, '_'}, '_'}, [], ['$_']}])),
    ets:delete(T).

%% follow a continuation to the end, collecting every chunk
drain('$end_of_table', _Next) -> ['$end_of_table'];
drain({Items, Cont}, Next) -> [Items | drain(Next(Cont), Next)].

chunks() ->
    T = ets:new(chunks, [ordered_set]),
    ets:insert(T, [{I, I * I, if I rem 2 =:= 0 -> even; true -> odd end} || I <- lists:seq(1, 23)]),
    MS = [{{'$1', '$2', odd}, [{'>', '$1', 2}], [{{'$1', '$2'}}]}],
    All = [{{'$1', '_', '_'}, [], ['$1']}],
    d(ets:select(T, MS)),
    d(ets:select_reverse(T, MS)),
    Sel = fun(C) -> ets:select(C) end,
    SelR = fun(C) -> ets:select_reverse(C) end,
    d(drain(ets:select(T, MS, 1), Sel)),
    d(drain(ets:select(T, MS, 3), Sel)),
    d(drain(ets:select(T, MS, 10), Sel)),
    d(drain(ets:select(T, MS, 100), Sel)),
    d(drain(ets:select(T, All, 5), Sel)),
    d(drain(ets:select(T, All, 23), Sel)),
    d(drain(ets:select_reverse(T, MS, 1), SelR)),
    d(drain(ets:select_reverse(T, MS, 4), SelR)),
    d(drain(ets:select_reverse(T, All, 7), SelR)),
    d(drain(ets:select_reverse(T, All, 50), SelR)),
    %% no match at all
    None = [{{'$1', '_', '_'}, [{'>', '$1', 100}], ['$1']}],
    d(ets:select(T, None, 5)),
    d(ets:select_reverse(T, None, 5)),
    d(ets:match(T, {'_', '_', nothing}, 5)),
    d(ets:match_object(T, {'_', '_', nothing}, 5)),
    %% key-bound specs
    d(ets:select(T, [{{7, '$1', '_'}, [], ['$1']}])),
    d(ets:select(T, [{{7, '$1', '_'}, [], ['$1']}, {{3, '$1', '_'}, [], ['$1']}])),
    d(drain(ets:select(T, [{{'$1', '_', '_'}, [{'<', '$1', 4}], ['$1']},
                           {{'$1', '_', '_'}, [{'>', '$1', 20}], ['$1']}], 2), Sel)),
    %% match and match_object with continuations
    Mat = fun(C) -> ets:match(C) end,
    MatO = fun(C) -> ets:match_object(C) end,
    d(ets:match(T, {'$1', '_', even})),
    d(drain(ets:match(T, {'$1', '$2', even}, 4), Mat)),
    d(drain(ets:match(T, {'$1', '_', '_'}, 9), Mat)),
    d(drain(ets:match(T, {'_', '_', '$1'}, 11), Mat)),
    d(ets:match_object(T, {'_', '_', odd})),
    d(drain(ets:match_object(T, {'_', '_', odd}, 5), MatO)),
    d(drain(ets:match_object(T, '_', 8), MatO)),
    %% a continuation stays valid after an insert of a later key
    {First, Cont} = ets:select(T, All, 20),
    d(First),
    ets:insert(T, {24, 576, even}),
    d(drain(ets:select(Cont), Sel)),
    %% select_reverse/1 continuation after deleting keys ahead of it
    {RFirst, RCont} = ets:select_reverse(T, All, 10),
    d(RFirst),
    [ets:delete(T, K) || K <- [3, 5, 7]],
    d(drain(ets:select_reverse(RCont), SelR)),
    %% select_count/delete on ordered_set
    d(ets:select_count(T, [{{'_', '_', even}, [], [true]}])),
    d(ets:select_delete(T, [{{'$1', '_', even}, [{'>', '$1', 10}], [true]}])),
    d(ets:select(T, All)),
    ets:delete(T).

slots() ->
    T = ets:new(sl, [ordered_set]),
    d(ets:slot(T, 0)),
    ets:insert(T, [{K, v} || K <- [e, b, d, a, c]]),
    d([ets:slot(T, I) || I <- lists:seq(0, 5)]),
    d(try ets:slot(T, 6) catch error:R -> R end),
    d(try ets:slot(T, -1) catch error:R2 -> R2 end),
    ets:delete(T, c),
    d([ets:slot(T, I) || I <- lists:seq(0, 4)]),
    d(try ets:slot(T, 5) catch error:R3 -> R3 end),
    ets:delete(T).

misc() ->
    T = ets:new(misc, [ordered_set]),
    ets:insert(T, [{K, K * 10} || K <- [5, 1, 4, 2, 3]]),
    d(ets:foldl(fun({K, _}, A) -> [K | A] end, [], T)),
    d(ets:foldr(fun({K, _}, A) -> [K | A] end, [], T)),
    d(ets:take(T, 3)),
    d(ets:take(T, 3)),
    d(ets:tab2list(T)),
    d(ets:delete_object(T, {4, 41})),
    d(ets:delete_object(T, {4, 40})),
    d(ets:tab2list(T)),
    d(ets:insert(T, [{0, 0}, {9, 90}, {6, 60}])),
    d(ets:tab2list(T)),
    d(ets:insert_new(T, [{7, 70}, {6, 61}])),
    d(ets:insert_new(T, [{7, 70}, {8, 80}])),
    d(ets:tab2list(T)),
    d(ets:first(T)),
    d(ets:last(T)),
    d(ets:delete_all_objects(T)),
    d(ets:first(T)),
    d(ets:tab2list(T)),
    ets:delete(T).
