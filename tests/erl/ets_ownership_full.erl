-module(ets_ownership_full).
%% ETS ownership: tables die with their owner (seen after its 'DOWN'), the heir option
%% ({heir,Pid,Data}, {heir,none}, setopts) and the {'ETS-TRANSFER',Tab,From,Data} message on the
%% owner's death (normal, error, kill), heir chains, a dead heir, give_away (message, rights of the
%% old and new owner, heir kept), delete by the owner sends nothing, safe_fixtable with
%% info(T, fixed)/info(T, safe_fixed) counts (released by unfix and by the fixer's exit), and
%% foldl/foldr.  Pids are only compared, never printed.
-export([main/0]).

d(X) -> erlang:display(X).

main() ->
    owner_death(),
    heir_basic(),
    heir_exit_reasons(),
    heir_named(),
    heir_setopts(),
    heir_dead(),
    heir_chain(),
    give_away(),
    delete_no_transfer(),
    fixtable(),
    folds(),
    ok.

%% spawn a process that runs F and then waits for stop (or dies as F says), monitored
start(F) -> spawn_monitor(fun() -> F(), receive stop -> ok end end).

wait_down({Pid, Ref}) ->
    receive {'DOWN', Ref, process, Pid, Reason} -> Reason end.

%% a heir: reports every 'ETS-TRANSFER' it gets to Parent, with From compared to Expected
heir(Parent) ->
    spawn(fun() -> heir_loop(Parent) end).

heir_loop(Parent) ->
    receive
        {expect, From} ->
            receive
                {'ETS-TRANSFER', Tab, From2, Data} ->
                    Name = case is_atom(Tab) of true -> Tab; false -> unnamed end,
                    Heir = case ets:info(Tab, heir) of
                               none -> none;
                               HeirPid when is_pid(HeirPid) -> pid
                           end,
                    Parent ! {transfer, self(), Name, From2 =:= From, Data,
                              ets:info(Tab, owner) =:= self(), Heir},
                    heir_loop(Parent)
            end;
        {do, F} ->
            Parent ! {done, self(), F()},
            heir_loop(Parent);
        {mailbox, Ref} ->
            {messages, Ms} = process_info(self(), messages),
            Parent ! {Ref, length(Ms)},
            heir_loop(Parent);
        stop ->
            ok
    end.

transfer(H) ->
    receive {transfer, H, Name, FromOk, Data, IsOwner, Heir} ->
            {Name, FromOk, Data, IsOwner, Heir}
    end.

do(H, F) ->
    H ! {do, F},
    receive {done, H, R} -> R end.

owner_death() ->
    d(owner_death),
    Self = self(),
    [begin
         P = start(fun() -> Self ! {tab, ets:new(od, Opts)} end),
         T = receive {tab, Tab} -> Tab end,
         d(ets:info(T, size)),
         d(ets:info(T, owner) =:= element(1, P)),
         element(1, P) ! stop,
         d(wait_down(P)),
         d(ets:info(T)),
         d(ets:info(T, owner)),
         d(try ets:lookup(T, a) catch error:R -> R end)
     end || Opts <- [[public], [protected, ordered_set], [private, bag], [named_table, public]]],
    %% the name of a named table is free after its owner died
    d(lists:member(od, ets:all())),
    T2 = ets:new(od, [named_table]),
    d(T2),
    ets:delete(T2),
    %% a process that dies abnormally loses its tables too
    P3 = spawn_monitor(fun() -> Self ! {tab, ets:new(od3, [public])}, receive go -> exit(crash) end end),
    T3 = receive {tab, Tab3} -> Tab3 end,
    ets:insert(T3, {a, 1}),
    element(1, P3) ! go,
    d(wait_down(P3)),
    d(ets:info(T3)),
    %% many tables of one process
    P4 = start(fun() -> Self ! {tabs, [ets:new(many, [public]) || _ <- lists:seq(1, 20)]} end),
    Ts = receive {tabs, Tabs} -> Tabs end,
    d(length([X || X <- Ts, ets:info(X, size) =:= 0])),
    element(1, P4) ! stop,
    wait_down(P4),
    d([ets:info(X) || X <- Ts]).

heir_basic() ->
    d(heir_basic),
    Self = self(),
    H = heir(Self),
    P = start(fun() ->
                      T = ets:new(hb, [protected, {heir, H, {heir_data, 42}}]),
                      ets:insert(T, [{a, 1}, {b, 2}]),
                      Self ! {tab, T}
              end),
    {OwnerPid, _} = P,
    T = receive {tab, Tab} -> Tab end,
    d(ets:info(T, heir) =:= H),
    d(ets:info(T, owner) =:= OwnerPid),
    H ! {expect, OwnerPid},
    OwnerPid ! stop,
    d(wait_down(P)),
    d(transfer(H)),
    %% the table and its objects survive
    d(ets:info(T, owner) =:= H),
    %% the heir setting stays: the new owner is its own heir
    d(ets:info(T, heir) =:= H),
    d(lists:sort(ets:tab2list(T))),
    %% the heir, now owner, may write to the protected table; this process still may not
    d(do(H, fun() -> ets:insert(T, {c, 3}) end)),
    d(try ets:insert(T, {d, 4}) catch error:R -> R end),
    d(ets:info(T, size)),
    %% when the heir dies the table goes, as its heir is the dead process itself
    HM = monitor(process, H),
    H ! stop,
    receive {'DOWN', HM, _, _, _} -> ok end,
    d(ets:info(T)).

heir_exit_reasons() ->
    d(heir_exit_reasons),
    Self = self(),
    H = heir(Self),
    [begin
         P = spawn_monitor(fun() ->
                                   T = ets:new(her, [public, {heir, H, Reason}]),
                                   Self ! {tab, T},
                                   receive go -> exit(Reason) end
                           end),
         {Pid, _} = P,
         T = receive {tab, Tab} -> Tab end,
         ets:insert(T, {reason, Reason}),
         H ! {expect, Pid},
         case Reason of
             kill -> exit(Pid, kill);
             _ -> Pid ! go
         end,
         d(wait_down(P)),
         d(transfer(H)),
         d(ets:lookup(T, reason)),
         d(ets:info(T, owner) =:= H)
     end || Reason <- [normal, shutdown, {some, error}, kill]],
    H ! stop.

heir_named() ->
    d(heir_named),
    Self = self(),
    H = heir(Self),
    P = start(fun() ->
                      ets:new(heir_named_tab, [named_table, public, ordered_set,
                                               {heir, H, [list, "data"]}]),
                      ets:insert(heir_named_tab, [{2, b}, {1, a}]),
                      Self ! ready
              end),
    receive ready -> ok end,
    {Pid, _} = P,
    H ! {expect, Pid},
    Pid ! stop,
    wait_down(P),
    d(transfer(H)),
    d(ets:tab2list(heir_named_tab)),
    d(ets:info(heir_named_tab, named_table)),
    d(ets:info(heir_named_tab, owner) =:= H),
    H ! stop,
    HM = monitor(process, H),
    receive {'DOWN', HM, _, _, _} -> ok end,
    d(ets:info(heir_named_tab)),
    d(ets:whereis(heir_named_tab)).

heir_setopts() ->
    d(heir_setopts),
    Self = self(),
    H1 = heir(Self),
    H2 = heir(Self),
    P = start(fun() ->
                      T = ets:new(hs, [public, {heir, H1, first}]),
                      Self ! {tab, T},
                      receive {setopts, O} -> Self ! {set, ets:setopts(T, O)} end,
                      receive {setopts, O2} -> Self ! {set, ets:setopts(T, O2)} end
              end),
    {Pid, _} = P,
    T = receive {tab, Tab} -> Tab end,
    d(ets:info(T, heir) =:= H1),
    Pid ! {setopts, {heir, none}},
    receive {set, R1} -> d(R1) end,
    d(ets:info(T, heir)),
    Pid ! {setopts, {heir, H2, second}},
    receive {set, R2} -> d(R2) end,
    d(ets:info(T, heir) =:= H2),
    H2 ! {expect, Pid},
    Pid ! stop,
    wait_down(P),
    d(transfer(H2)),
    %% H1 got nothing
    Ref = make_ref(),
    H1 ! {mailbox, Ref},
    receive {Ref, N} -> d(N) end,
    %% {heir, none} at creation
    P2 = start(fun() -> Self ! {tab, ets:new(hs2, [public, {heir, none}])} end),
    T2 = receive {tab, Tab2} -> Tab2 end,
    d(ets:info(T2, heir)),
    element(1, P2) ! stop,
    wait_down(P2),
    d(ets:info(T2)),
    [X ! stop || X <- [H1, H2]].

heir_dead() ->
    d(heir_dead),
    Self = self(),
    H = spawn(fun() -> receive stop -> ok end end),
    HM = monitor(process, H),
    P = start(fun() -> Self ! {tab, ets:new(hd, [public, {heir, H, data}])} end),
    T = receive {tab, Tab} -> Tab end,
    H ! stop,
    receive {'DOWN', HM, _, _, _} -> ok end,
    %% the heir setting still names the dead process
    d(ets:info(T, heir) =:= H),
    element(1, P) ! stop,
    wait_down(P),
    %% a dead heir cannot inherit: the table is deleted
    d(ets:info(T)),
    %% a table whose heir is its own owner is deleted with it
    P2 = start(fun() -> Self ! {tab, ets:new(hd2, [public, {heir, self(), me}])} end),
    T2 = receive {tab, Tab2} -> Tab2 end,
    d(ets:info(T2, heir) =:= element(1, P2)),
    element(1, P2) ! stop,
    wait_down(P2),
    d(ets:info(T2)).

heir_chain() ->
    d(heir_chain),
    Self = self(),
    H1 = heir(Self),
    H2 = heir(Self),
    P = start(fun() -> Self ! {tab, ets:new(hc, [public, {heir, H1, one}])} end),
    {Pid, _} = P,
    T = receive {tab, Tab} -> Tab end,
    ets:insert(T, {k, v}),
    H1 ! {expect, Pid},
    Pid ! stop,
    wait_down(P),
    d(transfer(H1)),
    %% the new owner names the next heir
    d(do(H1, fun() -> ets:setopts(T, {heir, H2, two}) end)),
    d(ets:info(T, heir) =:= H2),
    H2 ! {expect, H1},
    M1 = monitor(process, H1),
    H1 ! stop,
    receive {'DOWN', M1, _, _, _} -> ok end,
    d(transfer(H2)),
    d(ets:lookup(T, k)),
    %% and back to this process
    d(do(H2, fun() -> ets:setopts(T, {heir, Self, three}) end)),
    M2 = monitor(process, H2),
    H2 ! stop,
    receive {'DOWN', M2, _, _, _} -> ok end,
    receive
        {'ETS-TRANSFER', T, From, Data} ->
            d({From =:= H2, Data, ets:info(T, owner) =:= Self, ets:info(T, heir) =:= Self})
    end,
    d(ets:lookup(T, k)),
    ets:delete(T).

give_away() ->
    d(give_away),
    Self = self(),
    H = heir(Self),
    R = heir(Self),
    T = ets:new(ga, [protected, {heir, H, heir_data}]),
    ets:insert(T, {a, 1}),
    R ! {expect, Self},
    d(ets:give_away(T, R, {gift, 1})),
    d(transfer(R)),
    d(ets:info(T, owner) =:= R),
    %% the heir stays
    d(ets:info(T, heir) =:= H),
    %% the old owner lost its rights, the new one has them
    d(try ets:insert(T, {b, 2}) catch error:E1 -> E1 end),
    d(do(R, fun() -> ets:insert(T, {b, 2}) end)),
    d(lists:sort(ets:tab2list(T))),
    d(try ets:give_away(T, Self, back) catch error:E2 -> E2 end),
    %% the new owner gives it back
    d(do(R, fun() -> ets:give_away(T, Self, back) end)),
    receive {'ETS-TRANSFER', T, From, Data} -> d({From =:= R, Data}) end,
    d(ets:info(T, owner) =:= Self),
    d(ets:insert(T, {c, 3})),
    %% give a named table away, then the receiver dies: the heir inherits
    ets:new(ga_named, [named_table, public, {heir, H, named_heir}]),
    R ! {expect, Self},
    d(ets:give_away(ga_named, R, named_gift)),
    d(transfer(R)),
    H ! {expect, R},
    MR = monitor(process, R),
    R ! stop,
    receive {'DOWN', MR, _, _, _} -> ok end,
    d(transfer(H)),
    d(ets:info(ga_named, owner) =:= H),
    H ! stop,
    ets:delete(T).

delete_no_transfer() ->
    d(delete_no_transfer),
    Self = self(),
    H = heir(Self),
    T = ets:new(dnt, [public, {heir, H, data}]),
    d(ets:delete(T)),
    Ref = make_ref(),
    H ! {mailbox, Ref},
    receive {Ref, N} -> d(N) end,
    %% delete_all_objects does not transfer either
    T2 = ets:new(dnt2, [public, {heir, H, data}]),
    ets:insert(T2, {a}),
    d(ets:delete_all_objects(T2)),
    H ! {mailbox, Ref},
    receive {Ref, N2} -> d(N2) end,
    d(ets:info(T2, heir) =:= H),
    ets:delete(T2),
    H ! stop.

fixtable() ->
    d(fixtable),
    Self = self(),
    T = ets:new(fx, [public, set]),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 10)]),
    d(ets:info(T, fixed)),
    d(ets:info(T, safe_fixed)),
    d(ets:info(T, safe_fixed_monotonic_time)),
    d(ets:safe_fixtable(T, true)),
    d(ets:info(T, fixed)),
    d(fixers(ets:info(T, safe_fixed))),
    d(fixers(ets:info(T, safe_fixed_monotonic_time))),
    d(ets:safe_fixtable(T, true)),
    d(fixers(ets:info(T, safe_fixed))),
    %% a second process fixes it too
    P = start(fun() -> Self ! {fixed, ets:safe_fixtable(T, true)} end),
    receive {fixed, F} -> d(F) end,
    {Pid, _} = P,
    d(lists:sort([{Who =:= Self, Who =:= Pid, C} || {Who, C} <- element(2, ets:info(T, safe_fixed))])),
    %% the fixation of a process ends when it exits
    Pid ! stop,
    wait_down(P),
    d(fixers(ets:info(T, safe_fixed))),
    %% traversal while fixed, deleting as we go, visits every key once
    d(lists:sort(walk_delete(T, ets:first(T)))),
    d(ets:info(T, size)),
    d(ets:safe_fixtable(T, false)),
    d(fixers(ets:info(T, safe_fixed))),
    d(ets:safe_fixtable(T, false)),
    d(ets:info(T, fixed)),
    d(ets:info(T, safe_fixed)),
    %% unfixing a table that is not fixed is fine
    d(ets:safe_fixtable(T, false)),
    d(ets:info(T, fixed)),
    %% ordered_set tables can be fixed too
    O = ets:new(fxo, [ordered_set]),
    d(ets:safe_fixtable(O, true)),
    d(ets:info(O, fixed)),
    d(ets:safe_fixtable(O, false)),
    d(ets:info(O, fixed)),
    %% a fixed table deleted by its owner
    ets:safe_fixtable(O, true),
    d(ets:delete(O)),
    d(ets:info(O, fixed)),
    ets:delete(T).

fixers(false) -> false;
fixers({_Time, List}) -> [{Pid =:= self(), C} || {Pid, C} <- List].

walk_delete(_T, '$end_of_table') -> [];
walk_delete(T, K) ->
    ets:delete(T, K),
    [K | walk_delete(T, ets:next(T, K))].

folds() ->
    d(folds),
    O = ets:new(fo, [ordered_set]),
    ets:insert(O, [{K, K * K} || K <- [3, 1, 4, 5, 9, 2, 6]]),
    d(ets:foldl(fun({K, _}, Acc) -> [K | Acc] end, [], O)),
    d(ets:foldr(fun({K, _}, Acc) -> [K | Acc] end, [], O)),
    d(ets:foldl(fun({_, V}, Acc) -> V + Acc end, 0, O)),
    d(ets:foldr(fun(_, Acc) -> Acc + 1 end, 0, O)),
    d(ets:foldl(fun(X, Acc) -> [X | Acc] end, [], ets:new(empty, []))),
    S = ets:new(fs, [set]),
    ets:insert(S, [{K, K} || K <- lists:seq(1, 50)]),
    d(ets:foldl(fun({K, V}, Acc) -> K + V + Acc end, 0, S)),
    d(lists:sort(ets:foldr(fun({K, _}, Acc) -> [K | Acc] end, [], S)) =:= lists:seq(1, 50)),
    B = ets:new(fb, [bag]),
    ets:insert(B, [{k, 1}, {k, 2}, {j, 3}]),
    d(lists:sort(ets:foldl(fun(X, Acc) -> [X | Acc] end, [], B))),
    %% the fun may modify the table it folds over
    d(ets:foldl(fun({K, _}, Acc) -> ets:delete(S, K), Acc + 1 end, 0, S)),
    d(ets:info(S, size)),
    %% a throw from the fun passes through, and leaves the table unfixed
    d(catch ets:foldl(fun({K, _}, _) when K > 4 -> throw({stop_at, K}); (_, A) -> A end, 0, O)),
    d(ets:info(O, fixed)),
    %% foldl over a named table
    ets:new(fold_named, [named_table]),
    ets:insert(fold_named, {a, 1}),
    d(ets:foldl(fun({_, V}, Acc) -> V + Acc end, 100, fold_named)),
    ets:delete(fold_named),
    ets:delete(B),
    ets:delete(S),
    ets:delete(O).
