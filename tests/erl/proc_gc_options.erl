-module(proc_gc_options).
-export([main/0]).
%% Garbage collection options of processes: min_heap_size (rounded up to a heap size),
%% fullsweep_after, max_heap_size (a process past it is killed, or left alone with
%% kill => false), message_queue_data; the values process_flag/2 returns and
%% process_info/2 shows; badarg cases; and the same results from a workload that keeps
%% long-lived data while making garbage, whatever the collection settings.
main() ->
    D = fun(X) -> erlang:display(X) end,
    F = fun() -> receive stop -> ok end end,
    P = spawn_opt(F, [{min_heap_size, 1000}, {fullsweep_after, 3},
                      {max_heap_size, #{size => 100000, kill => false}}]),
    D(process_info(P, [min_heap_size, fullsweep_after, max_heap_size, message_queue_data])),
    {heap_size, HS} = process_info(P, heap_size),
    D(HS >= 1598),
    {garbage_collection, GC} = process_info(P, garbage_collection),
    D([K || {K, _} <- GC]),
    D(lists:keydelete(minor_gcs, 1, GC)),
    P ! stop,
    Q = spawn_opt(F, [{message_queue_data, off_heap}, {max_heap_size, 5000}]),
    D(process_info(Q, [message_queue_data, max_heap_size])),
    Q ! stop,
    %% process_flag returns the old value
    D([process_flag(min_heap_size, 500), process_flag(min_heap_size, 2000),
       process_flag(min_heap_size, 233)]),
    D([process_flag(fullsweep_after, 10), process_flag(fullsweep_after, 65535)]),
    D([process_flag(max_heap_size, 50000), process_flag(max_heap_size, #{size => 0}),
       process_flag(max_heap_size, #{size => 0, kill => true, error_logger => true})]),
    D([process_flag(message_queue_data, off_heap), process_flag(message_queue_data, on_heap)]),
    %% bad options
    T = fun(O) -> try spawn_opt(F, O) of Pid -> Pid ! stop, ok catch error:R -> R end end,
    D([T(O) || O <- [[{max_heap_size, 100}], [{max_heap_size, 233}],
                     [{max_heap_size, 300}, {min_heap_size, 400}],
                     [{max_heap_size, #{}}], [{max_heap_size, #{size => 1, bad => 1}}],
                     [{max_heap_size, #{kill => 1}}], [{max_heap_size, -1}],
                     [{fullsweep_after, -1}], [{min_heap_size, -5}],
                     [{message_queue_data, maybe}], [{fullsweep_after, 0}]]]),
    B = fun(Flag, V) -> try process_flag(Flag, V) catch error:R -> R end end,
    D([B(max_heap_size, 100), B(min_heap_size, -1), B(fullsweep_after, x),
       B(max_heap_size, #{size => 10, kill => maybe}), B(message_queue_data, x)]),
    process_flag(min_heap_size, 10000),
    D(B(max_heap_size, 1000)),
    process_flag(min_heap_size, 233),
    %% a process past its max_heap_size is killed
    Big = fun() -> L = lists:seq(1, 200000), exit({survived, length(L)}) end,
    {K1, M1} = spawn_opt(Big, [monitor, {max_heap_size, #{size => 10000, error_logger => false}}]),
    D(receive {'DOWN', M1, process, K1, R1} -> R1 end),
    %% ... also through a link, as `killed`
    process_flag(trap_exit, true),
    K2 = spawn_opt(Big, [link, {max_heap_size, #{size => 20000, error_logger => false}}]),
    D(receive {'EXIT', K2, R2} -> R2 end),
    process_flag(trap_exit, false),
    %% kill => false lets it run on
    {K3, M3} = spawn_opt(Big, [monitor, {max_heap_size, #{size => 10000, kill => false,
                                                          error_logger => false}}]),
    D(receive {'DOWN', M3, process, K3, R3} -> R3 end),
    %% a limit set with process_flag applies from then on
    {K4, M4} = spawn_monitor(fun() ->
                                  process_flag(max_heap_size, #{size => 30000, error_logger => false}),
                                  Big()
                          end),
    D(receive {'DOWN', M4, process, K4, R4} -> R4 end),
    %% the same results under any collection settings
    D([work(O) || O <- [[], [{fullsweep_after, 0}], [{fullsweep_after, 1}],
                        [{fullsweep_after, 10}], [{min_heap_size, 50000}]]]),
    %% a major collection resets the minor collection count
    garbage_collect(),
    {garbage_collection, GC2} = process_info(self(), garbage_collection),
    D(proplists:get_value(minor_gcs, GC2)),
    ok.

%% Keeps a map and a list alive across many collections while making garbage, and
%% reports a checksum and the minor collection count when fullsweep_after is 0.
work(Opts) ->
    Self = self(),
    {Pid, M} = spawn_opt(fun() ->
                              Keep = maps:from_list([{I, integer_to_list(I)} || I <- lists:seq(1, 3000)]),
                              Long = lists:seq(1, 20000),
                              S = churn(20000, Keep, Long, 0),
                              {garbage_collection, G} = process_info(self(), garbage_collection),
                              Minor = case proplists:get_value(fullsweep_after, G) of
                                          0 -> proplists:get_value(minor_gcs, G);
                                          _ -> any
                                      end,
                              Self ! {self(), S, Minor}
                      end, [monitor | Opts]),
    receive {Pid, S, Minor} -> ok end,
    receive {'DOWN', M, process, Pid, normal} -> ok end,
    {S, Minor}.

churn(0, Keep, Long, Acc) -> Acc + map_size(Keep) + lists:sum(Long);
churn(N, Keep, Long, Acc) ->
    Tmp = [N, {N, N + 1}, integer_to_list(N)],
    V = maps:get(N rem 3000 + 1, Keep),
    churn(N - 1, Keep, Long, (Acc + length(Tmp) + length(V)) rem 1000000007).
