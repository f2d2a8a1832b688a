%% Resources shared across many processes: one object touched by 1000 processes (its
%% destructor waits for the last of them and the owner); objects made by 2000 processes
%% that die, some kept in ETS and in the owner's mailbox; counts handed to created threads
%% that release them (so a destructor may run on any thread). Every destructor must run
%% exactly once (counted per object by the NIF).
-module(nif_objects).
-export([main/0]).

main() ->
    {C0, D0, _, _} = nif_stress:obj_counts(),
    erlang:display({start, C0, D0}),
    shared(1000),
    owned(2000),
    threads(300),
    true = nif_stress:wait_until(fun() -> all_destroyed() end),
    {C, D, Twice, Alive} = nif_stress:obj_counts(),
    erlang:display({final, C, D, Twice, Alive}),
    ok.

all_destroyed() ->
    {C, D, _, _} = nif_stress:obj_counts(),
    C =:= D.

destroyed() ->
    {_, D, _, _} = nif_stress:obj_counts(),
    D.

shared(N) ->
    Self = self(),
    D0 = destroyed(),
    R = nif_stress:obj_new(),
    Ps = [spawn(fun() ->
                        receive {obj, O} ->
                                [nif_stress:obj_touch(O) || _ <- [1, 2, 3]],
                                put(kept, O),
                                Self ! {touched, self()},
                                receive stop -> ok end
                        end
                end) || _ <- lists:seq(1, N)],
    [P ! {obj, R} || P <- Ps],
    [receive {touched, P} -> ok end || P <- Ps],
    erlang:garbage_collect(),
    While = destroyed() - D0,
    Touches = nif_stress:obj_touch(R),
    Ms = [monitor(process, P) || P <- Ps],
    [P ! stop || P <- Ps],
    [receive {'DOWN', M, process, _, normal} -> ok end || M <- Ms],
    erlang:garbage_collect(),
    After = destroyed() - D0,
    drop(R),
    Done = nif_stress:wait_until(fun() -> destroyed() - D0 =:= 1 end),
    erlang:display({shared, N, Touches, While, After, Done}).

drop(_) -> ok.

owned(N) ->
    Self = self(),
    T = ets:new(objects, [public, bag]),
    {C0, D0, _, _} = nif_stress:obj_counts(),
    Ps = [spawn(fun() ->
                        [A, B, K1, K2, K3] = [nif_stress:obj_new() || _ <- lists:seq(1, 5)],
                        ets:insert(T, {I, A}),
                        Self ! {obj, I, B},
                        put(k, [K1, K2, K3]),
                        [nif_stress:obj_touch(X) || X <- [K1, K2, K3]],
                        ok
                end) || I <- lists:seq(1, N)],
    Ms = [monitor(process, P) || P <- Ps],
    %% (noproc for those already gone)
    [receive {'DOWN', M, process, _, _} -> ok end || M <- Ms],
    Mine = [receive {obj, I, B} -> B end || I <- lists:seq(1, N)],
    {C1, _, _, _} = nif_stress:obj_counts(),
    %% The three objects each process kept die with it.
    Dead = nif_stress:wait_until(fun() -> destroyed() - D0 =:= 3 * N end),
    Touched = lists:usort([nif_stress:obj_touch(B) || B <- Mine]),
    ets:delete(T),
    InEts = nif_stress:wait_until(fun() -> destroyed() - D0 =:= 4 * N end),
    drop(Mine),
    Last = nif_stress:wait_until(fun() -> destroyed() - D0 =:= 5 * N end),
    erlang:display({owned, N, C1 - C0, Dead, Touched, InEts, Last}).

threads(N) ->
    Self = self(),
    D0 = destroyed(),
    Objs = [nif_stress:obj_new() || _ <- lists:seq(1, N)],
    %% Three counts of each object go to a releasing thread (objects in groups of ten).
    [ok = nif_stress:release_later(G ++ G ++ G) || G <- groups(Objs, 10)],
    %% Copies in processes that die at once, and in one that waits.
    [spawn(fun() -> nif_stress:obj_touch(O) end) || O <- Objs],
    Holder = spawn(fun() -> receive {objs, Os} -> Self ! held, receive stop -> length(Os) end end end),
    Holder ! {objs, Objs},
    receive held -> ok end,
    Joined = nif_stress:join_releasers(),
    drop(Objs),
    erlang:garbage_collect(),
    Mid = destroyed() - D0,
    M = monitor(process, Holder),
    Holder ! stop,
    receive {'DOWN', M, process, _, _} -> ok end,
    Done = nif_stress:wait_until(fun() -> destroyed() - D0 =:= N end),
    erlang:display({threads, N, Joined, Mid, Done}).

groups([], _) -> [];
groups(L, K) when length(L) =< K -> [L];
groups(L, K) ->
    {A, B} = lists:split(K, L),
    [A | groups(B, K)].
