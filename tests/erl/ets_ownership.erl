-module(ets_ownership).
-export([main/0]).
%% Table ownership: owner death deletes a table, an heir inherits it with an 'ETS-TRANSFER'
%% message, give_away, setopts heir, access from other processes, safe_fixtable, foldl/foldr.
main() ->
    Self = self(),
    %% Owner dies: its tables go away.
    {P1, M1} = spawn_monitor(fun() ->
                                     ets:new(dies_with_owner, [named_table, public]),
                                     Self ! ready, receive stop -> ok end
                             end),
    receive ready -> ok end,
    erlang:display(ets:info(dies_with_owner, size)),
    P1 ! stop,
    receive {'DOWN', M1, _, _, _} -> ok end,
    erlang:display(ets:info(dies_with_owner)),
    erlang:display(ets:whereis(dies_with_owner)),
    %% Heir inherits.
    {P2, M2} = spawn_monitor(fun() ->
                                     T = ets:new(inherited, [named_table, {heir, Self, my_data}]),
                                     ets:insert(T, {k, v}),
                                     Self ! ready, receive stop -> ok end
                             end),
    receive ready -> ok end,
    P2 ! stop,
    receive {'DOWN', M2, _, _, _} -> ok end,
    receive {'ETS-TRANSFER', Tab, From, Data} ->
            erlang:display({Tab, From =:= P2, Data})
    after 1000 -> erlang:display(no_transfer)
    end,
    erlang:display(ets:info(inherited, owner) =:= self()),
    erlang:display(ets:lookup(inherited, k)),
    erlang:display(ets:info(inherited, heir) =:= self()),
    %% give_away to another process, which sends it back.
    G = ets:new(gift, [set]),
    ets:insert(G, {1, one}),
    Echo = spawn(fun() ->
                         receive {'ETS-TRANSFER', T2, F2, D2} ->
                                 Self ! {got, F2 =:= Self, D2, ets:lookup(T2, 1)},
                                 ets:give_away(T2, F2, back)
                         end
                 end),
    erlang:display(ets:give_away(G, Echo, hello)),
    receive {got, A, B, C} -> erlang:display({A, B, C}) end,
    receive {'ETS-TRANSFER', G, Echo, back} -> erlang:display(returned) after 1000 -> erlang:display(not_returned) end,
    erlang:display(ets:info(G, owner) =:= self()),
    %% setopts heir, then {heir, none}: the table dies with its owner.
    {P3, M3} = spawn_monitor(fun() ->
                                     T = ets:new(h3, [named_table]),
                                     ets:setopts(T, {heir, Self, first}),
                                     ets:setopts(T, [{heir, none}]),
                                     Self ! {heir, ets:info(T, heir)},
                                     receive stop -> ok end
                             end),
    receive {heir, H} -> erlang:display(H) end,
    P3 ! stop,
    receive {'DOWN', M3, _, _, _} -> ok end,
    erlang:display(ets:info(h3)),
    %% An heir that is dead when the owner dies: the table is deleted.
    Dead = spawn(fun() -> ok end),
    wait_dead(Dead),
    {P4, M4} = spawn_monitor(fun() ->
                                     ets:new(h4, [named_table, {heir, Dead, x}]),
                                     Self ! ready, receive stop -> ok end
                             end),
    receive ready -> ok end,
    P4 ! stop,
    receive {'DOWN', M4, _, _, _} -> ok end,
    erlang:display(ets:info(h4)),
    %% Access: protected tables are readable by others, private ones are not.
    Prot = ets:new(prot, [protected, named_table]),
    Priv = ets:new(priv, [private]),
    Pub = ets:new(pub, [public]),
    ets:insert(Prot, {a, 1}), ets:insert(Priv, {a, 2}), ets:insert(Pub, {a, 3}),
    spawn(fun() ->
                  R = [try_op(fun() -> ets:lookup(Prot, a) end),
                       try_op(fun() -> ets:insert(Prot, {b, 1}) end),
                       try_op(fun() -> ets:lookup(Priv, a) end),
                       try_op(fun() -> ets:info(Priv, size) end),
                       try_op(fun() -> ets:insert(Pub, {b, 2}) end),
                       try_op(fun() -> ets:lookup(Pub, b) end),
                       try_op(fun() -> ets:delete(Prot) end)],
                  Self ! {access, R}
          end),
    receive {access, R} -> [erlang:display(X) || X <- R] end,
    %% safe_fixtable and traversal with deletions.
    F = ets:new(fix, [set]),
    ets:insert(F, [{I, I} || I <- lists:seq(1, 20)]),
    erlang:display(ets:info(F, fixed)),
    ets:safe_fixtable(F, true),
    erlang:display(ets:info(F, fixed)),
    {_, [{Pid, 1}]} = ets:info(F, safe_fixed),
    erlang:display(Pid =:= self()),
    erlang:display(lists:sort(walk_delete(F, ets:first(F), []))),
    ets:safe_fixtable(F, false),
    erlang:display(ets:info(F, fixed)),
    erlang:display(ets:info(F, size)),
    %% A fixation ends when the fixing process dies.
    {Fixer, FM} = spawn_monitor(fun() -> ets:safe_fixtable(F, true), Self ! fixed, receive stop -> ok end end),
    receive fixed -> ok end,
    erlang:display(ets:info(F, fixed)),
    Fixer ! stop,
    receive {'DOWN', FM, _, _, _} -> ok end,
    erlang:display(ets:info(F, fixed)),
    %% foldl/foldr on ordered_set give key order and reverse key order.
    O = ets:new(o, [ordered_set]),
    ets:insert(O, [{I, I * I} || I <- [3, 1, 2, 5, 4]]),
    erlang:display(ets:foldl(fun({K, _}, Acc) -> [K | Acc] end, [], O)),
    erlang:display(ets:foldr(fun({K, _}, Acc) -> [K | Acc] end, [], O)),
    erlang:display(lists:sort(ets:foldl(fun({K, V}, Acc) -> [{V, K} | Acc] end, [], F))),
    %% ets:all/0 lists our tables.
    All = ets:all(),
    erlang:display([lists:member(X, All) || X <- [Prot, Priv, Pub, inherited]]),
    erlang:display(ets:delete(inherited)),
    erlang:display(lists:member(inherited, ets:all())),
    ok.

walk_delete(_, '$end_of_table', Acc) -> Acc;
walk_delete(T, K, Acc) ->
    Next = ets:next(T, K),
    case K rem 2 of
        0 -> ets:delete(T, K);
        _ -> ok
    end,
    walk_delete(T, Next, [K | Acc]).

try_op(F) ->
    try F() of V -> {ok, V} catch error:R:St -> [{_, _, _, I} | _] = St,
                                              {R, maps:get(cause, proplists:get_value(error_info, I, #{}), none)} end.

wait_dead(P) ->
    case is_process_alive(P) of
        true -> receive after 1 -> ok end, wait_dead(P);
        false -> ok
    end.
