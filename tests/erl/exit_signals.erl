-module(exit_signals).
-export([main/0]).
%% Exit signals: link propagation, trap_exit, exit/2 with normal/kill/custom reasons, spawn_link chains.
main() ->
    process_flag(trap_exit, true),
    P1 = spawn_link(fun() -> receive stop -> exit(custom_reason) end end),
    P1 ! stop,
    erlang:display(receive {'EXIT', P1, R1} -> R1 after 5000 -> timeout end),
    P2 = spawn_link(fun() -> receive _ -> ok end end),
    exit(P2, kill),
    erlang:display(receive {'EXIT', P2, R2} -> R2 after 5000 -> timeout end),
    P3 = spawn_link(fun() -> process_flag(trap_exit, true), receive {'EXIT', _, Why} -> exit({trapped, Why}) end end),
    exit(P3, please_stop),
    erlang:display(receive {'EXIT', P3, R3} -> R3 after 5000 -> timeout end),
    P4 = spawn_link(fun() -> receive _ -> ok end end),
    exit(P4, normal),
    erlang:display(receive {'EXIT', P4, R4} -> R4 after 100 -> still_running end),
    exit(P4, kill),
    erlang:display(receive {'EXIT', P4, R4b} -> R4b after 5000 -> timeout end),
    Self = self(),
    P5 = spawn_link(fun() -> spawn_link(fun() -> exit(inner_crash) end), receive after 5000 -> ok end end),
    erlang:display(receive {'EXIT', P5, R5} -> R5 after 5000 -> timeout end),
    P6 = spawn(fun() -> Self ! {linked, link(Self)}, receive after infinity -> ok end end),
    erlang:display(receive {linked, L} -> L after 5000 -> timeout end),
    unlink(P6),
    exit(P6, kill),
    erlang:display(receive {'EXIT', P6, _} -> unexpected after 100 -> no_exit_after_unlink end),
    erlang:display(receive {'EXIT', _, R7} -> R7 after 100 -> no_more end).
