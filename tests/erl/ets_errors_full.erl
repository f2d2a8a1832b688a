-module(ets_errors_full).
%% ETS error cases, each printed as {Reason, Cause} with the cause taken from the error_info of
%% the top stack frame: unknown and deleted tables (id) for every operation, access from other
%% processes to protected and private tables (access), named tables that already exist,
%% keypos/position/badkey, bad options to new/2 and setopts/2, give_away to the owner itself, by a
%% non-owner, to a dead process; update_counter/update_element/select_replace on bags
%% (table_type), next/prev on missing keys, bad objects, bad limits and continuations.
-export([main/0]).

d(X) -> erlang:display(scrub(X)).

%% pids and references are not printable deterministically: replace them by atoms
scrub(P) when is_pid(P) -> pid;
scrub(R) when is_reference(R) -> ref;
scrub([H | T]) -> [scrub(H) | scrub(T)];
scrub(T) when is_tuple(T) -> list_to_tuple(scrub(tuple_to_list(T)));
scrub(X) -> X.

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

%% run F in a fresh process and return what c/1 makes of it
other(F) ->
    Parent = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Parent ! {self(), c(F)} end),
    receive {Pid, R} -> receive {'DOWN', Ref, _, _, _} -> R end end.

info(undefined) -> undefined;
info(L) -> [I || {K, _} = I <- L, lists:member(K, [name, size, type, protection, named_table])].

%% every operation that takes a table, applied to T
ops(T) ->
    [{lookup, fun() -> ets:lookup(T, a) end},
     {lookup_element, fun() -> ets:lookup_element(T, a, 2) end},
     {member, fun() -> ets:member(T, a) end},
     {insert, fun() -> ets:insert(T, {a, 1}) end},
     {insert_list, fun() -> ets:insert(T, [{a, 1}, {b, 2}]) end},
     {insert_new, fun() -> ets:insert_new(T, {new_key, 1}) end},
     {delete_key, fun() -> ets:delete(T, a) end},
     {delete_object, fun() -> ets:delete_object(T, {a, 1}) end},
     {delete_all_objects, fun() -> ets:delete_all_objects(T) end},
     {take, fun() -> ets:take(T, a) end},
     {update_counter, fun() -> ets:update_counter(T, c, 1) end},
     {update_counter4, fun() -> ets:update_counter(T, c, 1, {c, 0}) end},
     {update_element, fun() -> ets:update_element(T, a, {2, x}) end},
     {first, fun() -> ets:first(T) end},
     {last, fun() -> ets:last(T) end},
     {next, fun() -> ets:next(T, a) end},
     {prev, fun() -> ets:prev(T, a) end},
     {slot, fun() -> ets:slot(T, 0) end},
     {tab2list, fun() -> lists:sort(ets:tab2list(T)) end},
     {match, fun() -> lists:sort(ets:match(T, '$1')) end},
     {match3, fun() -> length(element(1, ets:match(T, '$1', 1))) end},
     {match_object, fun() -> lists:sort(ets:match_object(T, '_')) end},
     {match_delete, fun() -> ets:match_delete(T, {zz, '_'}) end},
     {select, fun() -> ets:select(T, [{'_', [], [true]}]) end},
     {select3, fun() -> element(1, ets:select(T, [{'_', [], [true]}], 1)) end},
     {select_reverse, fun() -> ets:select_reverse(T, [{'_', [], [true]}]) end},
     {select_count, fun() -> ets:select_count(T, [{'_', [], [false]}]) end},
     {select_delete, fun() -> ets:select_delete(T, [{'_', [], [false]}]) end},
     {select_replace, fun() -> ets:select_replace(T, [{{zz, '$1'}, [], [{{zz, '$1'}}]}]) end},
     {foldl, fun() -> ets:foldl(fun(_, A) -> A end, 0, T) end},
     {foldr, fun() -> ets:foldr(fun(_, A) -> A end, 0, T) end},
     {safe_fixtable, fun() -> ets:safe_fixtable(T, true) end},
     {setopts, fun() -> ets:setopts(T, {heir, none}) end},
     {give_away, fun() -> ets:give_away(T, self(), gift) end},
     {rename, fun() -> ets:rename(T, renamed_by_error_test), ets:info(T, name) end},
     {info1, fun() -> info(ets:info(T)) end},
     {info2, fun() -> ets:info(T, size) end},
     {delete, fun() -> ets:delete(T) end}].

main() ->
    bad_ids(),
    access(),
    names(),
    positions(),
    options(),
    ownership(),
    types(),
    traversal(),
    arguments(),
    ok.

bad_ids() ->
    d(no_such_name),
    [d({Op, c(F)}) || {Op, F} <- ops(no_such_table_name)],
    d(not_a_table),
    [d({Op, c(F)}) || {Op, F} <- ops({not_a, table})],
    d(deleted),
    T = ets:new(gone, [public]),
    true = ets:delete(T),
    [d({Op, c(F)}) || {Op, F} <- ops(T)],
    d(deleted_named),
    ets:new(gone_named, [named_table, public]),
    true = ets:delete(gone_named),
    [d({Op, c(F)}) || {Op, F} <- ops(gone_named)],
    %% a table whose owner has exited is gone as well
    d(dead_owner),
    Self = self(),
    {P, M} = spawn_monitor(fun() -> Self ! {tab, ets:new(t, [public])} end),
    D = receive {tab, Tab} -> Tab end,
    receive {'DOWN', M, process, P, _} -> ok end,
    d(ets:info(D)),
    d(c(fun() -> ets:insert(D, {a}) end)),
    d(c(fun() -> ets:lookup(D, a) end)).

access() ->
    Pro = ets:new(pro, [ordered_set, protected]),
    Pri = ets:new(pri, [ordered_set, private]),
    Pub = ets:new(pub, [ordered_set, public]),
    [ets:insert(X, [{a, 1}, {c, 0}]) || X <- [Pro, Pri, Pub]],
    d(protected_from_other),
    [d({Op, other(F)}) || {Op, F} <- ops(Pro)],
    d(private_from_other),
    [d({Op, other(F)}) || {Op, F} <- ops(Pri)],
    d(public_from_other),
    [d({Op, other(F)}) || {Op, F} <- ops(Pub), Op =/= delete],
    %% the owner can do everything with its private table
    d(private_from_owner),
    [d({Op, c(F)}) || {Op, F} <- ops(Pri), Op =/= delete, Op =/= give_away, Op =/= rename],
    d(sizes),
    d([ets:info(X, size) || X <- [Pro, Pri, Pub]]),
    %% a named private table is just as closed
    ets:new(named_private, [named_table, private]),
    d(other(fun() -> ets:lookup(named_private, a) end)),
    d(other(fun() -> ets:info(named_private, protection) end)),
    d(other(fun() -> ets:whereis(named_private) =/= undefined end)),
    %% another process may delete a public table
    Pub2 = ets:new(pub2, [public]),
    d(other(fun() -> ets:delete(Pub2) end)),
    d(ets:info(Pub2)),
    ets:delete(named_private),
    [ets:delete(X) || X <- [Pro, Pri, Pub]].

names() ->
    d(names),
    ets:new(dup_name, [named_table]),
    d(c(fun() -> ets:new(dup_name, [named_table]) end)),
    d(c(fun() -> ets:new(dup_name, [named_table, ordered_set, public]) end)),
    %% an unnamed table may reuse the name
    d(c(fun() -> is_reference(ets:new(dup_name, [])) end)),
    %% another process cannot take the name either
    d(other(fun() -> ets:new(dup_name, [named_table]) end)),
    ets:new(dup_name2, [named_table]),
    d(c(fun() -> ets:rename(dup_name, dup_name2) end)),
    d(c(fun() -> ets:rename(dup_name, dup_name) end)),
    d(c(fun() -> ets:rename(dup_name, "string") end)),
    d(c(fun() -> ets:rename(dup_name, 42) end)),
    d(c(fun() -> ets:new("string", []) end)),
    d(c(fun() -> ets:new(42, []) end)),
    d(c(fun() -> ets:new({tuple}, [named_table]) end)),
    d(c(fun() -> ets:whereis("string") end)),
    d(c(fun() -> ets:whereis(42) end)),
    d(ets:whereis(no_such_name)),
    %% a name is free again after the table is deleted
    ets:delete(dup_name),
    d(c(fun() -> ets:new(dup_name, [named_table]) end)),
    ets:delete(dup_name),
    ets:delete(dup_name2).

positions() ->
    d(positions),
    T = ets:new(pos, [set, {keypos, 2}]),
    B = ets:new(posb, [bag]),
    ets:insert(T, {x, k, 1, 2}),
    ets:insert(B, [{k, 1}, {k, 2, 3}]),
    [d({N, c(F)}) || {N, F} <- [
        {insert_short, fun() -> ets:insert(T, {only}) end},
        {insert_list_short, fun() -> ets:insert(T, [{a, b}, {c}]) end},
        {insert_new_short, fun() -> ets:insert_new(T, {c}) end},
        {insert_new_list_short, fun() -> ets:insert_new(T, [{a, b}, {c}]) end},
        {insert_empty_tuple, fun() -> ets:insert(T, {}) end},
        {lookup_element_0, fun() -> ets:lookup_element(T, k, 0) end},
        {lookup_element_5, fun() -> ets:lookup_element(T, k, 5) end},
        {lookup_element_missing, fun() -> ets:lookup_element(T, zz, 1) end},
        {lookup_element_bag_short, fun() -> ets:lookup_element(B, k, 3) end},
        {lookup_element_bag_missing, fun() -> ets:lookup_element(B, zz, 1) end},
        {update_counter_keypos, fun() -> ets:update_counter(T, k, {2, 1}) end},
        {update_counter_pos, fun() -> ets:update_counter(T, k, {5, 1}) end},
        {update_counter_notint, fun() -> ets:update_counter(T, k, {1, 1}) end},
        {update_counter_missing, fun() -> ets:update_counter(T, zz, 1) end},
        {update_counter_default_short, fun() -> ets:update_counter(T, zz, {4, 1}, {a, zz}) end},
        {update_element_keypos, fun() -> ets:update_element(T, k, {2, x}) end},
        {update_element_pos, fun() -> ets:update_element(T, k, {5, x}) end},
        {update_element_missing, fun() -> ets:update_element(T, zz, {3, x}) end},
        {delete_object_short, fun() -> ets:delete_object(T, {only}) end},
        {match_delete_bad, fun() -> ets:match_delete(T, {only}) end}]],
    d(ets:tab2list(T)),
    ets:delete(B),
    ets:delete(T).

options() ->
    d(options),
    Bad = [[bad_option], [{keypos, 0}], [{keypos, -1}], [{keypos, a}], [{keypos, 1.0}],
           [{heir, not_a_pid, data}], [{heir, self()}], [{heir, none, data}], [{heir}],
           [{write_concurrency, maybe}], [{write_concurrency, 1}],
           [{read_concurrency, yes}], [{decentralized_counters, 1}], [{compressed, true}],
           [named_table | improper], not_a_list, [{protection, public}], ["set"],
           [set, {keypos, 2} | bad], [{write_concurrency, auto}]],
    [d({O, c(fun() -> T = ets:new(opts, O), ets:delete(T) end)}) || O <- Bad],
    %% setopts
    T = ets:new(so, []),
    [d({O, c(fun() -> ets:setopts(T, O) end)}) ||
        O <- [{heir, none}, [{heir, none}], [], {heir, self(), data}, {heir, bad, data},
              {heir, self()}, {protection, public}, {protection, bad}, [{heir, none} | x],
              {keypos, 2}, bad, [bad]]],
    d(ets:info(T, protection)),
    ets:delete(T).

ownership() ->
    d(ownership),
    Self = self(),
    T = ets:new(own, [public]),
    d(c(fun() -> ets:give_away(T, self(), gift) end)),
    d(c(fun() -> ets:give_away(T, not_a_pid, gift) end)),
    %% to a process that has exited
    {Dead, M} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', M, _, _, _} -> ok end,
    d(c(fun() -> ets:give_away(T, Dead, gift) end)),
    d(ets:info(T, owner) =:= Self),
    %% by a process that is not the owner, also on a public table
    d(other(fun() -> ets:give_away(T, Self, gift) end)),
    d(other(fun() -> ets:give_away(T, self(), gift) end)),
    d(other(fun() -> ets:setopts(T, {heir, self(), x}) end)),
    d(other(fun() -> ets:setopts(T, {heir, none}) end)),
    %% heir set to the owner itself is accepted
    d(c(fun() -> ets:setopts(T, {heir, Self, x}) end)),
    d(ets:info(T, heir) =:= Self),
    %% after a real give_away the old owner is no longer allowed to give it away
    Rcv = spawn(fun() -> receive {'ETS-TRANSFER', _, _, _} -> receive stop -> ok end end end),
    d(c(fun() -> ets:give_away(T, Rcv, gift) end)),
    d(c(fun() -> ets:give_away(T, Self, gift) end)),
    d(c(fun() -> ets:setopts(T, {heir, none}) end)),
    d(ets:info(T, owner) =:= Rcv),
    Rcv ! stop.

types() ->
    d(types),
    [begin
         T = ets:new(ty, [Type]),
         ets:insert(T, [{a, 1}, {b, 2}]),
         d({Type, [{N, c(F)} || {N, F} <- [
             {update_counter, fun() -> ets:update_counter(T, a, 1) end},
             {update_counter4, fun() -> ets:update_counter(T, z, 1, {z, 0}) end},
             {update_element, fun() -> ets:update_element(T, a, {2, x}) end},
             {select_replace, fun() -> ets:select_replace(T, [{{'$1', '$2'}, [], [{{'$1', x}}]}]) end},
             {slot, fun() -> length(ets:slot(T, 0)) >= 0 end},
             {insert_new, fun() -> ets:insert_new(T, {a, 9}) end}]]}),
         ets:delete(T)
     end || Type <- [bag, duplicate_bag]].

traversal() ->
    d(traversal),
    S = ets:new(tr, [set]),
    ets:insert(S, [{a, 1}, {b, 2}]),
    d(c(fun() -> ets:next(S, missing) end)),
    d(c(fun() -> ets:prev(S, missing) end)),
    d(c(fun() -> lists:member(ets:next(S, a), [b, '$end_of_table']) end)),
    B = ets:new(trb, [bag]),
    ets:insert(B, [{a, 1}]),
    d(c(fun() -> ets:next(B, missing) end)),
    O = ets:new(tro, [ordered_set]),
    ets:insert(O, [{a, 1}, {c, 2}]),
    d(c(fun() -> ets:next(O, missing) end)),
    d(c(fun() -> ets:prev(O, b) end)),
    %% a fixed set may be traversed from a deleted key
    ets:safe_fixtable(S, true),
    K1 = ets:first(S),
    ets:delete(S, K1),
    d(c(fun() -> lists:member(ets:next(S, K1), [a, b, '$end_of_table']) end)),
    ets:safe_fixtable(S, false),
    [ets:delete(X) || X <- [S, B, O]].

arguments() ->
    d(arguments),
    T = ets:new(args, [ordered_set]),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 5)]),
    [d({N, c(F)}) || {N, F} <- [
        {insert_atom, fun() -> ets:insert(T, atom) end},
        {insert_improper, fun() -> ets:insert(T, [{a} | {b}]) end},
        {insert_list_with_atom, fun() -> ets:insert(T, [{a}, b]) end},
        {insert_new_atom, fun() -> ets:insert_new(T, atom) end},
        {delete_object_atom, fun() -> ets:delete_object(T, atom) end},
        {select_not_list, fun() -> ets:select(T, {'_', [], [true]}) end},
        {select_bad_clause, fun() -> ets:select(T, [{'_', [], true}]) end},
        {select_limit_0, fun() -> ets:select(T, [{'_', [], [true]}], 0) end},
        {select_limit_neg, fun() -> ets:select(T, [{'_', [], [true]}], -1) end},
        {select_limit_atom, fun() -> ets:select(T, [{'_', [], [true]}], a) end},
        {select_cont_bad, fun() -> ets:select({bad, continuation}) end},
        {select_cont_atom, fun() -> ets:select(not_a_cont) end},
        {select_cont_eot, fun() -> ets:select('$end_of_table') end},
        {match_limit_0, fun() -> ets:match(T, '_', 0) end},
        {match_cont_bad, fun() -> ets:match({bad}) end},
        {match_object_cont_bad, fun() -> ets:match_object({bad}) end},
        {select_reverse_cont_bad, fun() -> ets:select_reverse({bad}) end},
        {select_count_bad, fun() -> ets:select_count(T, bad) end},
        {select_delete_bad, fun() -> ets:select_delete(T, bad) end},
        {select_replace_bad, fun() -> ets:select_replace(T, bad) end},
        {slot_neg, fun() -> ets:slot(T, -1) end},
        {slot_atom, fun() -> ets:slot(T, a) end},
        {slot_past_end, fun() -> ets:slot(T, 6) end},
        {slot_at_end, fun() -> ets:slot(T, 5) end},
        {info_bad_item, fun() -> ets:info(T, bad_item) end},
        {info_bad_table, fun() -> ets:info(42) end},
        {info2_bad_table, fun() -> ets:info(42, size) end},
        {safe_fixtable_bad, fun() -> ets:safe_fixtable(T, maybe) end},
        {foldl_bad_fun, fun() -> ets:foldl(not_a_fun, 0, T) end},
        {foldl_fun_raises, fun() -> ets:foldl(fun(_, _) -> error(inside) end, 0, T) end},
        {update_counter_list_improper, fun() -> ets:update_counter(T, 1, [{2, 1} | x]) end},
        {update_element_bad, fun() -> ets:update_element(T, 1, {2}) end},
        {lookup_element_atom_pos, fun() -> ets:lookup_element(T, 1, a) end},
        {match_spec_compile_bad, fun() -> ets:match_spec_compile([{'_', [], ['$1']}]) end},
        {match_spec_run_bad, fun() -> ets:match_spec_run([a], bad) end},
        {delete_all_ok, fun() -> ets:delete_all_objects(T) end}]],
    ets:delete(T).
