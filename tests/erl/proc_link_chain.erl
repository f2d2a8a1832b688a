-module(proc_link_chain).
-export([main/0]).
%% Exit storms: a chain of 20,000 linked processes dies from its far end; kill vs killed;
%% trap_exit at the head sees the propagated reason; monitors of a fan of processes.
main() ->
    process_flag(trap_exit, true),
    Head = self(),
    Tail = chain(20000, Head),
    %% Every link is in place before the storm starts (a process killed before it ran would
    %% never have linked to its predecessor).
    ok = await_linked(20000),
    Tail ! {die, storm},
    erlang:display(receive {'EXIT', _, R} -> {chain_exit, R} after 20000 -> timeout end),
    %% kill through a link is an ordinary reason; exit(P, kill) gives killed.
    A = spawn_link(fun() -> receive _ -> ok end end),
    exit(A, kill),
    erlang:display(receive {'EXIT', A, R2} -> R2 after 5000 -> timeout end),
    B = spawn_link(fun() -> exit(kill) end),
    erlang:display(receive {'EXIT', B, R3} -> R3 after 5000 -> timeout end),
    %% normal exits do not propagate to non-trapping processes.
    C = spawn(fun() -> process_flag(trap_exit, false),
                       D = spawn_link(fun() -> ok end),
                       DRef = monitor(process, D),
                       %% noproc when D was already gone at monitor/2.
                       receive {'DOWN', DRef, process, D, _} -> ok end,
                       Head ! {c_alive, is_process_alive(D)} end),
    erlang:display(receive {c_alive, X} -> {c_alive_d_dead, not X} after 5000 -> timeout end),
    _ = C,
    %% 1000 monitored processes, all DOWN messages arrive.
    Ms = [spawn_monitor(fun() -> exit({bye, I}) end) || I <- lists:seq(1, 1000)],
    Downs = [receive {'DOWN', M, process, P, {bye, I}} -> I after 5000 -> timeout end || {{P, M}, I} <- lists:zip(Ms, lists:seq(1, 1000))],
    erlang:display(lists:sum(Downs)),
    %% unlink before the exit: no EXIT message.
    E = spawn_link(fun() -> receive go -> exit(oops) end end),
    unlink(E),
    E ! go,
    erlang:display(receive {'EXIT', E, _} -> got_exit after 200 -> no_exit end),
    %% demonitor with flush removes a DOWN already delivered.
    {F, FM} = spawn_monitor(fun() -> ok end),
    wait_dead(F),
    erlang:display(demonitor(FM, [flush, info])),
    erlang:display(receive {'DOWN', FM, _, _, _} -> still_there after 0 -> flushed end),
    _ = F,
    ok.

wait_dead(P) ->
    case is_process_alive(P) of
        true -> receive after 1 -> wait_dead(P) end;
        false -> ok
    end.

chain(0, Prev) -> Prev;
chain(N, Prev) ->
    Head = self(),
    P = spawn(fun() -> link(Prev), Head ! linked, receive {die, R} -> exit(R) end end),
    chain(N - 1, P).

await_linked(0) -> ok;
await_linked(N) -> receive linked -> await_linked(N - 1) after 20000 -> timeout end.
