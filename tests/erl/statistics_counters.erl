-module(statistics_counters).
-export([main/0]).
%% erlang:statistics/1: the shape of every item and how the counters move (values differ
%% between VMs, so only relations are printed): reductions and runtime grow with work,
%% "since last call" parts add up, wall_clock follows a wait, context switches and garbage
%% collections are counted, run queue items have one entry per run queue.
main() ->
    D = fun(X) -> erlang:display(X) end,
    {R0, _} = statistics(reductions),
    {_, _} = statistics(exact_reductions),
    {C0, _} = statistics(runtime),
    {W0, _} = statistics(wall_clock),
    {S0, 0} = statistics(context_switches),
    {G0, Words0, 0} = statistics(garbage_collection),
    %% work in other processes (their reductions are counted when their slices end)
    Self = self(),
    Ps = [spawn(fun() -> Self ! {self(), burn(300000, 0)} end) || _ <- [1, 2, 3]],
    D([receive {P, V} -> V end || P <- Ps]),
    receive after 60 -> ok end,
    {R1, RDiff} = statistics(reductions),
    D({R1 > R0 + 300000, RDiff > 300000, RDiff =< R1 - R0}),
    {R2, RDiff2} = statistics(reductions),
    D({R2 >= R1, RDiff2 =:= R2 - R1}),
    {C1, CDiff} = statistics(runtime),
    D({C1 >= C0, CDiff >= 0, C1 > 0}),
    {W1, WDiff} = statistics(wall_clock),
    D({W1 - W0 >= 60, WDiff >= 0}),
    {S1, 0} = statistics(context_switches),
    D(S1 > S0 + 3),
    garbage_collect(),
    _ = [lists:seq(1, 1000) || _ <- lists:seq(1, 200)],
    garbage_collect(),
    {G1, Words1, 0} = statistics(garbage_collection),
    D({G1 >= G0 + 2, Words1 >= Words0}),
    N = erlang:system_info(schedulers),
    RQ = statistics(run_queue_lengths),
    RQA = statistics(run_queue_lengths_all),
    AT = statistics(active_tasks),
    ATA = statistics(active_tasks_all),
    D({length(RQ) =:= N + 1, length(RQA) =:= N + 2,
       length(AT) =:= N + 1, length(ATA) =:= N + 2}),
    D(lists:all(fun(X) -> is_integer(X) andalso X >= 0 end, RQ ++ RQA ++ AT ++ ATA)),
    %% the caller itself is an active task
    D({lists:sum(AT) >= 1, statistics(total_active_tasks) >= 1,
       is_integer(statistics(total_run_queue_lengths)), is_integer(statistics(run_queue)),
       is_integer(statistics(total_active_tasks_all)),
       is_integer(statistics(total_run_queue_lengths_all))}),
    {{input, I}, {output, O}} = statistics(io),
    D({is_integer(I), is_integer(O)}),
    D(try statistics(bogus) catch error:E -> E end),
    ok.

burn(0, Acc) -> Acc;
burn(N, Acc) -> burn(N - 1, (Acc + N) rem 1000003).
