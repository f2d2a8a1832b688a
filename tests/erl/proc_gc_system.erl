-module(proc_gc_system).
-export([main/0]).
%% System-wide collection defaults (erlang:system_flag/2 for min_heap_size, fullsweep_after,
%% max_heap_size) and what new processes get from them; backtrace_depth; and
%% erlang:garbage_collect/1,2 of other processes (sync, async, minor, of a dead process),
%% including two processes inspecting each other at the same time (which must not deadlock).
main() ->
    D = fun(X) -> erlang:display(X) end,
    F = fun() -> receive stop -> ok end end,
    D([erlang:system_info(X) || X <- [min_heap_size, fullsweep_after, max_heap_size]]),
    D(erlang:system_flag(min_heap_size, 1000)),
    D(erlang:system_flag(fullsweep_after, 10)),
    D(erlang:system_flag(max_heap_size, #{size => 100000, error_logger => false})),
    D([erlang:system_info(X) || X <- [min_heap_size, fullsweep_after, max_heap_size]]),
    P = spawn(F),
    D(process_info(P, [min_heap_size, fullsweep_after, max_heap_size])),
    %% a spawn option overrides the default; a partial map takes the rest from it
    Q = spawn_opt(F, [{min_heap_size, 300}, {max_heap_size, #{size => 200000}}]),
    D(process_info(Q, [min_heap_size, max_heap_size])),
    [X ! stop || X <- [P, Q]],
    B = fun(Flag, V) -> try erlang:system_flag(Flag, V) catch error:R -> R end end,
    D([B(max_heap_size, 10), B(min_heap_size, -1), B(fullsweep_after, x),
       B(max_heap_size, #{kill => true}), B(backtrace_depth, -1)]),
    D(try erlang:system_flag(bogus_flag, 1)
      catch error:R:St -> {R, maps:get(cause, proplists:get_value(error_info, element(4, hd(St))), none)}
      end),
    D(erlang:system_flag(min_heap_size, 233)),
    D(erlang:system_flag(fullsweep_after, 65535)),
    D(erlang:system_flag(max_heap_size, 0)),
    D([erlang:system_info(X) || X <- [min_heap_size, fullsweep_after, max_heap_size]]),
    %% backtrace_depth limits stack traces
    D(erlang:system_flag(backtrace_depth, 3)),
    D(length(trace_of(20))),
    D(erlang:system_flag(backtrace_depth, 1)),
    D(trace_of(20)),
    D(erlang:system_flag(backtrace_depth, 8)),
    %% (the frames below main/0 differ: the real erl runs it from init)
    D([{M, Fn, A} || {M, Fn, A, _} <- lists:sublist(trace_of(20), 3)]),
    %% garbage_collect of another process
    G = spawn(fun() -> L = lists:seq(1, 10000), receive {From, stop} -> From ! {sum, lists:sum(L)} end end),
    D(erlang:garbage_collect(G)),
    D(erlang:garbage_collect(G, [{type, minor}])),
    D(erlang:garbage_collect(G, [{async, my_req}])),
    D(receive {garbage_collect, my_req, Res} -> Res after 5000 -> timeout end),
    D(erlang:garbage_collect(self(), [{async, self_req}])),
    D(receive {garbage_collect, self_req, Res2} -> Res2 after 5000 -> timeout end),
    G ! {self(), stop},
    D(receive {sum, S} -> S end),
    Dead = spawn(fun() -> ok end),
    Ref = monitor(process, Dead),
    receive {'DOWN', Ref, _, _, _} -> ok end,
    D(erlang:garbage_collect(Dead)),
    D(try erlang:garbage_collect(not_a_pid) catch error:R3 -> R3 end),
    D(try erlang:garbage_collect(self(), [bad_option]) catch error:R4 -> R4 end),
    %% processes that inspect and collect each other concurrently
    Self = self(),
    N = 4,
    Ps = [spawn(fun() -> receive {peers, Peers} -> poke(Peers, 300), Self ! {done, self()} end end)
          || _ <- lists:seq(1, N)],
    [X ! {peers, Ps} || X <- Ps],
    D(lists:sort([receive {done, X} -> ok after 30000 -> {timeout, X} end || X <- Ps])),
    ok.

poke(_, 0) -> ok;
poke(Peers, K) ->
    [begin
         _ = process_info(X, [heap_size, message_queue_len, registered_name]),
         _ = erlang:garbage_collect(X, [{type, minor}])
     end || X <- Peers, X =/= self()],
    poke(Peers, K - 1).

trace_of(Depth) ->
    try deep(Depth) catch error:_:St -> St end.

deep(0) -> error(bottom);
deep(N) -> [deep(N - 1)].
