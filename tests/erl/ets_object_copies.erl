-module(ets_object_copies).
%% Objects of every shape survive the trip into a table and back (flat tuples, nested tuples,
%% proper and improper lists, maps, floats, big integers, heap and refcounted binaries,
%% sub-binaries, funs), on set and ordered_set tables, through insert, replace, lookup,
%% update_counter in place and delete; small counters that cross into big integers and back;
%% update_counter's fast form falling back to the general one for every error.
-export([main/0]).

d(X) -> erlang:display(X).

c(F) ->
    try F() of
        V -> {ok, V}
    catch
        error:R:St ->
            Cause = case St of
                        [{_, _, _, Info} | _] ->
                            maps:get(cause, proplists:get_value(error_info, Info, #{}), none);
                        _ -> none
                    end,
            {R, Cause}
    end.

main() ->
    [shapes(Type) || Type <- [set, ordered_set, bag, duplicate_bag]],
    [boundaries(Type) || Type <- [set, ordered_set]],
    [fallbacks(Type) || Type <- [set, ordered_set]],
    ordered_keys(),
    ok.

objects() ->
    Big = binary:copy(<<"0123456789">>, 20),
    <<_:3/binary, Sub:100/binary, _/binary>> = Big,
    F = fun(X) -> {X, Big} end,
    [{1, 2},
     {2, a, [], 3.5},
     {3, {nested, {deep, [1, 2 | tail]}}, "string"},
     {4, #{a => 1, b => [x, y], {k} => <<"small">>}},
     {5, 1 bsl 80, -(1 bsl 70), 1.0e300},
     {6, Big, Sub, <<1, 2, 3>>},
     {7, [Big, [Sub | Big], {Big}]},
     {8, F, [F]},
     {{9, [list, key]}, <<"k">>},
     {<<"binkey">>, 10},
     {1 bsl 65, big_key},
     {11, [1, 2, 3], [a | b], [[[]]]}].

shapes(Type) ->
    T = ets:new(t, [Type]),
    Objs = objects(),
    [true = ets:insert(T, O) || O <- Objs],
    Back = [ets:lookup(T, element(1, O)) || O <- Objs],
    d({Type, same, Back =:= [[O] || O <- Objs]}),
    %% Functions still work after the copy out.
    [{8, G, [G2]}] = ets:lookup(T, 8),
    d({Type, funs, element(1, G(x)), G2(y) =:= G(y)}),
    %% Replacing objects (set tables) or adding more (bags), then deleting.
    [true = ets:insert(T, setelement(2, O, replaced)) || O <- Objs],
    d({Type, size, ets:info(T, size)}),
    d({Type, replaced, lists:sort([ets:lookup(T, element(1, O)) || O <- Objs])}),
    [true = ets:delete(T, element(1, O)) || O <- lists:sublist(Objs, 6)],
    d({Type, after_delete, ets:info(T, size), lists:sort(ets:tab2list(T))}),
    ets:delete(T).

boundaries(Type) ->
    Max = (1 bsl 59) - 1,
    Min = -(1 bsl 59),
    T = ets:new(t, [Type]),
    Big = binary:copy(<<"b">>, 100),
    ets:insert(T, {c, Max - 2, Min + 2, Big, 0}),
    d({Type, ets:update_counter(T, c, 1)}),
    d({Type, ets:update_counter(T, c, 1)}),
    d({Type, ets:update_counter(T, c, 1)}),
    d({Type, ets:update_counter(T, c, -1)}),
    d({Type, ets:update_counter(T, c, {3, -2})}),
    d({Type, ets:update_counter(T, c, {3, -1})}),
    d({Type, ets:update_counter(T, c, {3, 1})}),
    d({Type, ets:update_counter(T, c, {5, Max})}),
    d({Type, ets:update_counter(T, c, {5, 1})}),
    d({Type, ets:update_counter(T, c, {5, -Max - 1})}),
    d({Type, ets:update_counter(T, c, {2, 1 bsl 70})}),
    d({Type, ets:update_counter(T, c, {2, -(1 bsl 70)})}),
    [{c, _, _, B, _}] = Obj = ets:lookup(T, c),
    d({Type, Obj, B =:= Big}),
    ets:delete(T).

fallbacks(Type) ->
    T = ets:new(t, [Type]),
    ets:insert(T, {k, 1, a, 2.5, [x]}),
    d({Type, c(fun() -> ets:update_counter(T, k, {1, 1}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, {0, 1}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, {6, 1}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, {3, 1}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, {4, 1}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, {5, 1}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, {2, 1.0}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, {2, 1, 2}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, missing, 1) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, 1, not_a_tuple) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, 1, {}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, absent, {3, 1}, {absent, 0}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, 1, {k, 0}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, k, {2, 1}, {k, 0}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, new, 7, {new, 1}) end)}),
    d({Type, c(fun() -> ets:update_counter(T, new, {2, 1}) end)}),
    d({Type, c(fun() -> ets:update_counter(nosuch, k, 1) end)}),
    d({Type, lists:sort(ets:tab2list(T))}),
    K2 = ets:new(t2, [Type, {keypos, 2}]),
    ets:insert(K2, {a, key, 10, 20}),
    d({Type, keypos2, ets:update_counter(K2, key, 5), ets:update_counter(K2, key, {4, 1}),
       c(fun() -> ets:update_counter(K2, key, {2, 1}) end), ets:lookup(K2, key)}),
    ets:delete(K2),
    ets:delete(T).

%% Ordered sets compare keys with ==: an integer key finds a float key and updates it.
ordered_keys() ->
    T = ets:new(t, [ordered_set]),
    ets:insert(T, {1.0, 10}),
    ets:insert(T, {2, 20}),
    d({ord, ets:update_counter(T, 1, 5), ets:lookup(T, 1), ets:update_counter(T, 2.0, 1),
       ets:lookup(T, 2)}),
    ets:insert(T, {1, replaced}),
    d({ord, ets:tab2list(T)}),
    ets:delete(T).
