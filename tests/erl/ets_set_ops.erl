-module(ets_set_ops).
%% ETS set tables: every option of ets:new/2, insert/insert_new (single, list, all-or-nothing),
%% lookup, lookup_element, member, delete/1,2, delete_object, delete_all_objects, take, tab2list,
%% info/1 and info/2 (deterministic items only), whereis, rename, all/0, and key equality
%% (1 and 1.0 are distinct keys in a set, the same key in an ordered_set).
%% Note: with a single scheduler (+S 1) the real erl reports write_concurrency and
%% decentralized_counters as false whatever was asked; the expected output assumes several.
-export([main/0]).

-define(ITEMS, [name, size, type, keypos, protection, named_table, read_concurrency,
                write_concurrency, compressed, decentralized_counters]).

d(X) -> erlang:display(X).

sorted(T) -> lists:sort(ets:tab2list(T)).

info(T) ->
    [I || {K, _} = I <- ets:info(T), lists:member(K, ?ITEMS)].

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
    options(),
    inserts(),
    lookups(),
    deletes(),
    info2(),
    names(),
    keys(),
    ok.

options() ->
    Specs = [[],
             [set],
             [set, public],
             [protected],
             [private],
             [named_table],
             [{keypos, 2}],
             [{keypos, 3}, private],
             [{read_concurrency, true}],
             [{read_concurrency, false}],
             [{write_concurrency, true}],
             [{write_concurrency, false}],
             [{write_concurrency, true}, {read_concurrency, true}],
             [{decentralized_counters, true}],
             [{decentralized_counters, false}],
             [{write_concurrency, true}, {decentralized_counters, true}],
             [compressed],
             [compressed, {keypos, 2}, public, {read_concurrency, true}],
             [ordered_set],
             [ordered_set, {write_concurrency, true}],
             [ordered_set, {write_concurrency, true}, {decentralized_counters, false}],
             [bag, compressed],
             [duplicate_bag, private, {keypos, 4}],
             %% conflicting options: the last protection and keypos count, the first type
             [private, public],
             [bag, set],
             [{keypos, 2}, {keypos, 3}]],
    lists:foreach(
      fun(Opts) ->
              T = ets:new(opt, Opts),
              d({Opts, info(T)}),
              true = ets:delete(T)
      end, Specs),
    %% a named table is referred to by its name
    N = ets:new(named_set_ops, [named_table, public]),
    d(N),
    d(ets:insert(named_set_ops, {a, 1})),
    d(ets:lookup(N, a)),
    d(ets:info(named_set_ops, named_table)),
    true = ets:delete(named_set_ops),
    %% an unnamed table's id is not its name
    U = ets:new(unnamed_set_ops, []),
    d(is_atom(U)),
    d(is_reference(U)),
    d(ets:info(U, name)),
    d(ets:info(U, named_table)),
    d(c(fun() -> ets:lookup(unnamed_set_ops, a) end)),
    ets:delete(U),
    %% keypos: the key is taken from the given position
    K = ets:new(kp, [{keypos, 2}]),
    d(ets:insert(K, [{x, 1, a}, {y, 2, b}, {z, 1, c}])),
    d(sorted(K)),
    d(ets:lookup(K, 1)),
    d(ets:lookup(K, x)),
    d(ets:member(K, 2)),
    d(c(fun() -> ets:insert(K, {only_one}) end)),
    d(c(fun() -> ets:insert(K, [{p, 3}, {short}]) end)),
    d(sorted(K)),
    %% compressed tables return equal terms
    C = ets:new(comp, [compressed]),
    Big = {big, lists:seq(1, 100), <<0:800>>, #{a => [x, y, z]}, {nested, "string", 3.5}},
    ets:insert(C, Big),
    d(ets:lookup(C, big) =:= [Big]),
    d(ets:lookup_element(C, big, 4)),
    d(ets:info(C, compressed)),
    ets:delete(C),
    ets:delete(K).

inserts() ->
    T = ets:new(ins, []),
    d(ets:insert(T, {a, 1})),
    d(ets:insert(T, {a, 2})),
    d(ets:lookup(T, a)),
    d(ets:insert(T, [{b, 1}, {c, 1}, {d, 1}])),
    d(ets:insert(T, [])),
    d(ets:insert(T, {e})),
    d(sorted(T)),
    d(ets:info(T, size)),
    %% insert_new, single object
    d(ets:insert_new(T, {a, 99})),
    d(ets:lookup(T, a)),
    d(ets:insert_new(T, {f, 1})),
    d(ets:lookup(T, f)),
    %% insert_new with a list is all-or-nothing
    d(ets:insert_new(T, [{g, 1}, {h, 1}, {a, 100}])),
    d(ets:member(T, g)),
    d(ets:member(T, h)),
    d(ets:lookup(T, a)),
    d(ets:insert_new(T, [{g, 1}, {h, 2}])),
    d(ets:lookup(T, g) ++ ets:lookup(T, h)),
    d(ets:insert_new(T, [])),
    d(ets:info(T, size)),
    d(sorted(T)),
    %% complex keys
    Keys = [{1, 2}, [1, 2], <<"bin">>, "str", #{k => v}, 3.0, -7, 1 bsl 80, self(), make_ref()],
    lists:foreach(fun(Key) -> ets:insert(T, {Key, val}) end, Keys),
    d([ets:lookup_element(T, Key, 2) || Key <- Keys]),
    d([ets:member(T, Key) || Key <- Keys]),
    d(ets:info(T, size)),
    ets:delete(T).

lookups() ->
    T = ets:new(lk, [set]),
    ets:insert(T, [{k1, a, b, c}, {k2, x}, {k3}]),
    d(ets:lookup(T, k1)),
    d(ets:lookup(T, nope)),
    d(ets:lookup_element(T, k1, 1)),
    d(ets:lookup_element(T, k1, 2)),
    d(ets:lookup_element(T, k1, 4)),
    d(ets:lookup_element(T, k2, 2)),
    d(c(fun() -> ets:lookup_element(T, k1, 5) end)),
    d(c(fun() -> ets:lookup_element(T, k3, 2) end)),
    d(c(fun() -> ets:lookup_element(T, nope, 2) end)),
    d(c(fun() -> ets:lookup_element(T, k1, 0) end)),
    d(c(fun() -> ets:lookup_element(T, k1, x) end)),
    d(ets:member(T, k1)),
    d(ets:member(T, k4)),
    %% bag form: a list of the elements of every object with the key
    B = ets:new(lkb, [bag]),
    ets:insert(B, [{k, 1, x}, {k, 2, y}, {j, 3, z}]),
    d(lists:sort(ets:lookup_element(B, k, 2))),
    d(lists:sort(ets:lookup_element(B, k, 3))),
    d(ets:lookup_element(B, j, 2)),
    d(c(fun() -> ets:lookup_element(B, nope, 2) end)),
    d(c(fun() -> ets:lookup_element(B, k, 4) end)),
    DB = ets:new(lkdb, [duplicate_bag]),
    ets:insert(DB, [{k, 1}, {k, 1}, {k, 2}]),
    d(lists:sort(ets:lookup_element(DB, k, 2))),
    d(ets:member(DB, k)),
    ets:delete(B),
    ets:delete(DB),
    ets:delete(T).

deletes() ->
    T = ets:new(del, [set]),
    ets:insert(T, [{N, N * N} || N <- lists:seq(1, 10)]),
    d(ets:delete(T, 3)),
    d(ets:delete(T, 3)),
    d(ets:delete(T, nope)),
    d(ets:lookup(T, 3)),
    %% delete_object: only when the whole object matches
    d(ets:delete_object(T, {4, 15})),
    d(ets:lookup(T, 4)),
    d(ets:delete_object(T, {4, 16})),
    d(ets:lookup(T, 4)),
    d(ets:delete_object(T, {nope, 1})),
    %% take
    d(ets:take(T, 5)),
    d(ets:take(T, 5)),
    d(ets:member(T, 5)),
    d(ets:info(T, size)),
    d(sorted(T)),
    %% delete_all_objects
    d(ets:delete_all_objects(T)),
    d(ets:info(T, size)),
    d(ets:tab2list(T)),
    d(ets:insert(T, {again, 1})),
    d(ets:tab2list(T)),
    %% delete/1
    d(ets:delete(T)),
    d(ets:info(T)),
    d(ets:info(T, size)),
    d(c(fun() -> ets:lookup(T, again) end)),
    d(c(fun() -> ets:delete(T) end)),
    %% a named table's name is free again after delete
    N = ets:new(del_named, [named_table]),
    d(ets:delete(N)),
    d(ets:new(del_named, [named_table])),
    d(ets:delete(del_named)),
    %% tab2list on an empty table and after many operations
    E = ets:new(empty, []),
    d(ets:tab2list(E)),
    ets:insert(E, [{I, I} || I <- lists:seq(1, 200)]),
    [ets:delete(E, I) || I <- lists:seq(1, 200), I rem 3 =/= 0],
    d(lists:sort(ets:tab2list(E))),
    d(ets:info(E, size)),
    ets:delete(E).

info2() ->
    T = ets:new(info_tab, [bag, {keypos, 2}, public, {read_concurrency, true}, compressed]),
    ets:insert(T, [{a, 1}, {b, 1}, {c, 2}]),
    Items = [name, size, type, keypos, protection, named_table, read_concurrency,
             write_concurrency, compressed, decentralized_counters, heir, fixed, safe_fixed],
    d([{I, ets:info(T, I)} || I <- Items]),
    d(ets:info(T, owner) =:= self()),
    d(ets:info(T, node) =:= node()),
    d(ets:info(T, id) =:= T),
    d(is_integer(ets:info(T, memory))),
    d(c(fun() -> ets:info(T, no_such_item) end)),
    d(c(fun() -> ets:info(T, 1) end)),
    %% the items listed by info/1
    d(lists:sort([K || {K, _} <- ets:info(T)])),
    N = ets:new(info_named, [named_table, ordered_set, private]),
    d([{I, ets:info(info_named, I)} || I <- Items]),
    d(info(N)),
    ets:delete(N),
    ets:delete(T).

names() ->
    T = ets:new(wh, [named_table]),
    d(T),
    W = ets:whereis(wh),
    d(is_reference(W)),
    d(ets:info(W, name)),
    d(ets:lookup(W, x)),
    ets:insert(W, {x, 1}),
    d(ets:lookup(wh, x)),
    d(ets:whereis(no_such_table)),
    U = ets:new(wh_unnamed, []),
    d(ets:whereis(wh_unnamed)),
    %% rename
    d(ets:rename(wh, wh2)),
    d(ets:whereis(wh) =:= undefined),
    d(ets:whereis(wh2) =:= W),
    d(ets:lookup(wh2, x)),
    d(ets:info(wh2, name)),
    d(c(fun() -> ets:lookup(wh, x) end)),
    d(ets:lookup(W, x)),
    %% renaming onto an existing name fails
    ets:new(wh3, [named_table]),
    d(c(fun() -> ets:rename(wh2, wh3) end)),
    %% renaming an unnamed table changes its name only
    d(ets:rename(U, wh_unnamed2) =:= U),
    d(ets:info(U, name)),
    d(ets:info(U, named_table)),
    d(ets:whereis(wh_unnamed2)),
    %% all/0 lists named tables by name and unnamed ones by id
    All = ets:all(),
    d(lists:member(wh2, All)),
    d(lists:member(wh3, All)),
    d(lists:member(U, All)),
    d(lists:member(wh, All)),
    d(lists:member(W, All)),
    ets:delete(U),
    d(lists:member(U, ets:all())),
    ets:delete(wh2),
    ets:delete(wh3),
    d(lists:member(wh2, ets:all())),
    d(ets:whereis(wh2)).

keys() ->
    S = ets:new(ks, [set]),
    ets:insert(S, [{1, int}, {1.0, float}, {2, two}]),
    d(ets:info(S, size)),
    d(ets:lookup(S, 1)),
    d(ets:lookup(S, 1.0)),
    d(ets:member(S, 2.0)),
    d(sorted(S)),
    d(ets:take(S, 1.0)),
    d(ets:lookup(S, 1)),
    O = ets:new(ko, [ordered_set]),
    ets:insert(O, [{1, int}, {1.0, float}, {2, two}]),
    d(ets:info(O, size)),
    d(ets:lookup(O, 1)),
    d(ets:lookup(O, 1.0)),
    d(ets:member(O, 2.0)),
    d(ets:lookup(O, 2.0)),
    d(ets:tab2list(O)),
    d(ets:insert_new(O, {2.0, float_two})),
    d(ets:delete(O, 1.0)),
    d(ets:tab2list(O)),
    %% nested numbers compare the same way
    ets:insert(S, [{{a, 1}, int}, {{a, 1.0}, float}]),
    ets:insert(O, [{{a, 1}, int}, {{a, 1.0}, float}]),
    d(ets:lookup(S, {a, 1})),
    d(ets:lookup(S, {a, 1.0})),
    d(ets:lookup(O, {a, 1})),
    d(ets:tab2list(O)),
    %% integer 0 and float 0.0 are distinct keys in a set
    ets:insert(S, [{0, zero}, {0.0, fzero}]),
    d(lists:sort([V || {K, V} <- ets:tab2list(S), K == 0])),
    ets:delete(S),
    ets:delete(O).
