-module(ets_counters).
%% ets:update_counter/3,4 in every form (Incr, {Pos,Incr}, {Pos,Incr,Threshold,SetValue}, a list
%% of operations, a default object) and ets:update_element/3 (one {Pos,Value} or a list) on set
%% and ordered_set tables, with keypos 1 and 2, small and big integers; errors are printed as
%% {Reason, Cause} with the cause from the error_info of the stack trace.
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
    [counters(Type) || Type <- [set, ordered_set]],
    [elements(Type) || Type <- [set, ordered_set]],
    [errors(Type) || Type <- [set, ordered_set]],
    keypos2(),
    float_keys(),
    ok.

counters(Type) ->
    d({counters, Type}),
    T = ets:new(cnt, [Type]),
    ets:insert(T, {c, 0, 10, 100, x}),
    %% plain increment on the element after the key
    d(ets:update_counter(T, c, 1)),
    d(ets:update_counter(T, c, 5)),
    d(ets:update_counter(T, c, -10)),
    d(ets:update_counter(T, c, 0)),
    d(ets:lookup(T, c)),
    %% {Pos, Incr}
    d(ets:update_counter(T, c, {3, 7})),
    d(ets:update_counter(T, c, {4, -150})),
    d(ets:update_counter(T, c, {2, 0})),
    d(ets:lookup(T, c)),
    %% {Pos, Incr, Threshold, SetValue}: upward over the threshold
    ets:insert(T, {th, 0}),
    d([ets:update_counter(T, th, {2, 3, 10, 0}) || _ <- lists:seq(1, 8)]),
    %% exactly at the threshold is not over it
    ets:insert(T, {th, 7}),
    d(ets:update_counter(T, th, {2, 3, 10, 0})),
    d(ets:update_counter(T, th, {2, 1, 10, 0})),
    %% downward under the threshold
    ets:insert(T, {th, 10}),
    d([ets:update_counter(T, th, {2, -4, 0, 10}) || _ <- lists:seq(1, 6)]),
    ets:insert(T, {th, 4}),
    d(ets:update_counter(T, th, {2, -4, 0, 99})),
    d(ets:update_counter(T, th, {2, -1, 0, 99})),
    %% increment 0 with a threshold already exceeded
    ets:insert(T, {th, 50}),
    d(ets:update_counter(T, th, {2, 0, 10, -1})),
    %% SetValue may be any integer, also a big one
    d(ets:update_counter(T, th, {2, 100, 10, 1 bsl 70})),
    %% a list of operations: results in order, applied left to right
    ets:insert(T, {l, 1, 2, 3}),
    d(ets:update_counter(T, l, [{2, 1}, {3, 10}, {4, 100}])),
    d(ets:update_counter(T, l, [{2, 1}, {2, 1}, {2, 1}])),
    d(ets:update_counter(T, l, [{3, 100, 50, 0}, {4, -200, 0, -1}])),
    d(ets:update_counter(T, l, [])),
    d(ets:update_counter(T, l, [{2, 5}, {3, 5, 10, 7}, {2, -1}])),
    d(ets:lookup(T, l)),
    %% default object when the key is missing
    d(ets:update_counter(T, new1, 5, {new1, 10})),
    d(ets:lookup(T, new1)),
    d(ets:update_counter(T, new1, 5, {new1, 1000})),
    d(ets:update_counter(T, new2, {3, 2}, {new2, a, 0, b})),
    d(ets:lookup(T, new2)),
    d(ets:update_counter(T, new3, [{2, 1}, {3, -1}], {new3, 0, 0})),
    d(ets:lookup(T, new3)),
    d(ets:update_counter(T, new4, {2, 5, 3, -3}, {new4, 0})),
    d(ets:lookup(T, new4)),
    %% the key of the default object is replaced by the key given
    d(ets:update_counter(T, new5, 1, {other_key, 0})),
    d(ets:lookup(T, new5)),
    d(ets:lookup(T, other_key)),
    %% the default object is not used when the key exists
    d(ets:update_counter(T, new5, 1, {new5, 500, extra})),
    d(ets:lookup(T, new5)),
    %% small/big integer boundaries
    Max = (1 bsl 59) - 1,
    ets:insert(T, {b, Max, -Max, 1 bsl 64}),
    d(ets:update_counter(T, b, 1)),
    d(ets:update_counter(T, b, {3, -2})),
    d(ets:update_counter(T, b, {4, -(1 bsl 64)})),
    d(ets:update_counter(T, b, {2, -2})),
    d(ets:update_counter(T, b, 1 bsl 100)),
    d(ets:update_counter(T, b, -(1 bsl 100))),
    d(ets:lookup(T, b)),
    %% a counter loop
    ets:insert(T, {loop, 0}),
    lists:foreach(fun(I) -> ets:update_counter(T, loop, I) end, lists:seq(1, 1000)),
    d(ets:lookup_element(T, loop, 2)),
    d(ets:info(T, size)),
    case Type of
        set -> d(lists:sort(ets:tab2list(T)));
        ordered_set -> d(ets:tab2list(T))
    end,
    ets:delete(T).

elements(Type) ->
    d({elements, Type}),
    T = ets:new(el, [Type]),
    ets:insert(T, {e, 1, 2, 3}),
    d(ets:update_element(T, e, {2, a})),
    d(ets:lookup(T, e)),
    d(ets:update_element(T, e, [{3, b}, {4, c}])),
    d(ets:lookup(T, e)),
    %% later positions in the list win
    d(ets:update_element(T, e, [{2, x}, {2, y}, {4, {z, [1]}}])),
    d(ets:lookup(T, e)),
    d(ets:update_element(T, e, [])),
    d(ets:lookup(T, e)),
    %% missing key: false, nothing inserted
    d(ets:update_element(T, missing, {2, a})),
    d(ets:update_element(T, missing, [{2, a}, {3, b}])),
    d(ets:member(T, missing)),
    %% update_element and update_counter together
    ets:insert(T, {mix, 0, 0}),
    d(ets:update_element(T, mix, {3, 100})),
    d(ets:update_counter(T, mix, [{2, 1}, {3, 1}])),
    d(ets:update_element(T, mix, {2, big_value})),
    d(ets:lookup(T, mix)),
    d(ets:update_element(T, mix, {2, <<"binary value">>})),
    d(ets:lookup(T, mix)),
    ets:delete(T).

errors(Type) ->
    d({errors, Type}),
    T = ets:new(err, [Type]),
    ets:insert(T, [{k, 1, a, 2.5}, {s}]),
    [d(c(F)) || F <-
        [fun() -> ets:update_counter(T, missing, 1) end,
         fun() -> ets:update_counter(T, k, {1, 1}) end,
         fun() -> ets:update_counter(T, k, {3, 1}) end,
         fun() -> ets:update_counter(T, k, {4, 1}) end,
         fun() -> ets:update_counter(T, k, {5, 1}) end,
         fun() -> ets:update_counter(T, k, {0, 1}) end,
         fun() -> ets:update_counter(T, k, {-1, 1}) end,
         fun() -> ets:update_counter(T, k, 1.5) end,
         fun() -> ets:update_counter(T, k, {2, 1.5}) end,
         fun() -> ets:update_counter(T, k, {2, a}) end,
         fun() -> ets:update_counter(T, k, {2, 1, 10}) end,
         fun() -> ets:update_counter(T, k, {2, 1, x, 0}) end,
         fun() -> ets:update_counter(T, k, {2, 1, 10, x}) end,
         fun() -> ets:update_counter(T, k, [{2, 1}, {3, 1}]) end,
         fun() -> ets:update_counter(T, k, [{2, 1} | bad]) end,
         fun() -> ets:update_counter(T, k, bad) end,
         fun() -> ets:update_counter(T, s, 1) end,
         fun() -> ets:update_counter(T, missing, 1, {missing}) end,
         fun() -> ets:update_counter(T, missing, 1, {missing, a}) end,
         fun() -> ets:update_counter(T, missing, 1, not_a_tuple) end,
         fun() -> ets:update_counter(T, missing, {3, 1}, {missing, 0}) end,
         fun() -> ets:update_element(T, missing2, {1, x}) end,
         fun() -> ets:update_element(T, k, {1, x}) end,
         fun() -> ets:update_element(T, k, {5, x}) end,
         fun() -> ets:update_element(T, k, {0, x}) end,
         fun() -> ets:update_element(T, k, [{2, x}, {1, y}]) end,
         fun() -> ets:update_element(T, k, [{2, x}, {9, y}]) end,
         fun() -> ets:update_element(T, k, bad) end,
         fun() -> ets:update_element(T, k, [{2, x} | bad]) end,
         fun() -> ets:update_element(T, k, {a, x}) end,
         fun() -> ets:update_counter(no_such_table, k, 1) end,
         fun() -> ets:update_element(no_such_table, k, {2, x}) end]],
    %% failed operations leave the object unchanged (all-or-nothing lists)
    d(ets:lookup(T, k)),
    d(ets:member(T, missing)),
    ets:delete(T).

keypos2() ->
    d(keypos2),
    T = ets:new(kp2, [set, {keypos, 2}]),
    ets:insert(T, {10, k, 20}),
    %% the plain increment goes to keypos + 1
    d(ets:update_counter(T, k, 1)),
    d(ets:update_counter(T, k, {1, 5})),
    d(ets:lookup(T, k)),
    d(c(fun() -> ets:update_counter(T, k, {2, 1}) end)),
    d(ets:update_element(T, k, {1, first})),
    d(ets:update_element(T, k, [{3, third}])),
    d(c(fun() -> ets:update_element(T, k, {2, x}) end)),
    d(ets:lookup(T, k)),
    d(ets:update_counter(T, dk, {1, 1}, {0, ignored_key, 0})),
    d(ets:lookup(T, dk)),
    %% keypos at the last position: no element after the key
    L = ets:new(kpl, [ordered_set, {keypos, 3}]),
    ets:insert(L, {1, 2, key}),
    d(c(fun() -> ets:update_counter(L, key, 1) end)),
    d(ets:update_counter(L, key, {1, 1})),
    d(ets:update_counter(L, key, [{2, 10}, {1, 10}])),
    d(ets:lookup(L, key)),
    ets:delete(L),
    ets:delete(T).

float_keys() ->
    d(float_keys),
    O = ets:new(fk, [ordered_set]),
    ets:insert(O, {1.0, 0}),
    d(ets:update_counter(O, 1, 1)),
    d(ets:update_element(O, 1, {2, 10})),
    d(ets:lookup(O, 1)),
    S = ets:new(fks, [set]),
    ets:insert(S, {1.0, 0}),
    d(c(fun() -> ets:update_counter(S, 1, 1) end)),
    d(ets:update_element(S, 1, {2, 10})),
    d(ets:update_counter(S, 1, 1, {1, 100})),
    d(lists:sort(ets:tab2list(S))),
    ets:delete(S),
    ets:delete(O).
