%% Monitors held by resources: one resource monitoring 1000 processes, 1000 resources
%% monitoring one process each (killed), half of 1000 monitors taken back before the
%% processes end, monitors of dead processes, and processes that end while they are being
%% monitored. The down callback must fire exactly once per monitor still held when its
%% process ends, with that monitor's term, and never after a demonitor.
-module(nif_downs).
-export([main/0]).

main() ->
    one_watcher(1000),
    many_watchers(1000),
    half_demonitored(1000),
    dead(1000),
    racing(1000),
    ok.

waiter() -> spawn(fun() -> receive stop -> ok end end).

collect(0, Acc) -> Acc;
collect(N, Acc) ->
    receive {down, P, MonTerm} -> collect(N - 1, [{P, MonTerm} | Acc])
    after 20000 -> [timeout | Acc]
    end.

extra() ->
    receive {down, _, _} = X -> [X | extra()]
    after 100 -> []
    end.

one_watcher(N) ->
    W = nif_stress:watcher_new(),
    Ps = [waiter() || _ <- lists:seq(1, N)],
    Watched = [{P, nif_stress:watch(W, P)} || P <- Ps],
    Rcs = lists:usort([Rc || {_, {Rc, _}} <- Watched]),
    [P ! stop || P <- Ps],
    Downs = collect(N, []),
    Expected = lists:sort([{P, T} || {P, {0, T}} <- Watched]),
    erlang:display({one_watcher, N, Rcs, lists:sort(Downs) =:= Expected,
                    nif_stress:downs(W), length(extra())}).

many_watchers(N) ->
    Ps = [waiter() || _ <- lists:seq(1, N)],
    Ws = [nif_stress:watcher_new() || _ <- Ps],
    Watched = [{P, nif_stress:watch(W, P)} || {W, P} <- lists:zip(Ws, Ps)],
    [exit(P, kill) || P <- Ps],
    Downs = collect(N, []),
    Expected = lists:sort([{P, T} || {P, {0, T}} <- Watched]),
    erlang:display({many_watchers, N, lists:sort(Downs) =:= Expected,
                    lists:usort([nif_stress:downs(W) || W <- Ws]), length(extra())}).

half_demonitored(N) ->
    W = nif_stress:watcher_new(),
    Ps = [waiter() || _ <- lists:seq(1, N)],
    Rcs = lists:usort([nif_stress:watch_keep(W, P) || P <- Ps]),
    Numbered = lists:zip(lists:seq(1, N), Ps),
    Un = lists:usort([nif_stress:unwatch(W, P) || {I, P} <- Numbered, I rem 2 =:= 0]),
    [P ! stop || P <- Ps],
    Downs = collect(N div 2, []),
    Odd = lists:sort([P || {I, P} <- Numbered, I rem 2 =:= 1]),
    erlang:display({half_demonitored, N, Rcs, Un, lists:sort([P || {P, _} <- Downs]) =:= Odd,
                    nif_stress:downs(W), length(extra())}).

dead(N) ->
    W = nif_stress:watcher_new(),
    Ps = [spawn(fun() -> ok end) || _ <- lists:seq(1, N)],
    Ms = [monitor(process, P) || P <- Ps],
    [receive {'DOWN', M, process, _, _} -> ok end || M <- Ms],
    Rcs = lists:usort([nif_stress:watch(W, P) || P <- Ps]),
    erlang:display({dead, N, Rcs, nif_stress:downs(W), length(extra())}).

%% Processes that end on their own while they are being monitored: each monitor either
%% succeeds (and then its down comes) or finds the process gone.
racing(N) ->
    W = nif_stress:watcher_new(),
    Ps = [spawn(fun() -> ok end) || _ <- lists:seq(1, N)],
    Ok = length([ok || P <- Ps, element(1, nif_stress:watch(W, P)) =:= 0]),
    Downs = collect(Ok, []),
    erlang:display({racing, N, length(Downs) =:= Ok, nif_stress:downs(W) =:= Ok,
                    length(extra())}).
