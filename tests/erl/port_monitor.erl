-module(port_monitor).
-export([main/0]).
%% monitor(port, P): 'DOWN' on port_close (normal), on the program exiting, on exit/2 with
%% various reasons (OTP 25 says process instead of port when the reason is not an atom or small
%% integer), demonitor (with and without flush), two monitors, a monitor by another process,
%% monitoring a closed port (noproc) and a registered name ({Name, node()} in the 'DOWN'),
%% erlang:ports/0 membership, port_to_list/list_to_port, and port term comparisons.
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 20000 -> erlang:display(timeout)
    end.

checks() ->
    process_flag(trap_exit, true),
    Self = self(),
    %% port_close.
    P1 = open_port({spawn, "cat"}, []),
    M1 = monitor(port, P1),
    erlang:display({monitor_ref, is_reference(M1)}),
    true = port_close(P1),
    erlang:display({close_down, down(M1, P1)}),
    erlang:display({close_exit, exit_msg(P1)}),
    %% The program exiting, with exit_status (it waits for a line, so that the monitor is in
    %% place before it can exit).
    P2 = open_port({spawn, "sh -c 'read x; exit 3'"}, [exit_status]),
    M2 = monitor(port, P2),
    true = port_command(P2, "go\n"),
    erlang:display({status, receive {P2, {exit_status, S2}} -> S2 after 5000 -> timeout end}),
    erlang:display({exit_down, down(M2, P2)}),
    erlang:display({exit_exit, exit_msg(P2)}),
    %% exit/2 with reasons.
    [begin
         P = open_port({spawn, "cat"}, []),
         M = monitor(port, P),
         true = exit(P, Reason),
         erlang:display({exit_reason, Reason, down(M, P), exit_msg(P)})
     end || Reason <- [boom, {shutdown, x}, "string", 42, <<"bin">>]],
    %% demonitor: no 'DOWN'.
    P3 = open_port({spawn, "cat"}, []),
    M3 = monitor(port, P3),
    erlang:display({demonitor, demonitor(M3)}),
    erlang:display({monitored_by_after_demonitor, erlang:port_info(P3, monitored_by)}),
    port_close(P3),
    erlang:display({no_down, receive {'DOWN', M3, _, _, _} -> down after 100 -> none end}),
    erlang:display({exit3, exit_msg(P3)}),
    %% demonitor with flush after the 'DOWN' was sent; info after it.
    P4 = open_port({spawn, "cat"}, []),
    M4 = monitor(port, P4),
    port_close(P4),
    erlang:display({exit4, exit_msg(P4)}),
    erlang:display({demonitor_flush, demonitor(M4, [flush])}),
    erlang:display({flushed, receive {'DOWN', M4, _, _, _} -> down after 100 -> none end}),
    P4b = open_port({spawn, "cat"}, []),
    M4b = monitor(port, P4b),
    erlang:display({demonitor_info, demonitor(M4b, [info])}),
    erlang:display({demonitor_info_again, demonitor(M4b, [info])}),
    port_close(P4b),
    _ = exit_msg(P4b),
    %% Two monitors: two 'DOWN's.
    P5 = open_port({spawn, "cat"}, []),
    M5a = monitor(port, P5),
    M5b = monitor(port, P5),
    erlang:display({two_monitors_distinct, M5a =/= M5b,
                    erlang:port_info(P5, monitored_by) =:= {monitored_by, [Self, Self]}}),
    port_close(P5),
    erlang:display({two_downs, down(M5a, P5), down(M5b, P5)}),
    _ = exit_msg(P5),
    %% A monitor from another process.
    P6 = open_port({spawn, "cat"}, []),
    Watcher = spawn(fun() ->
                            M = monitor(port, P6),
                            Self ! monitoring,
                            receive {'DOWN', M, T, Obj, R} -> Self ! {watcher, T, Obj =:= P6, R} end
                    end),
    receive monitoring -> ok end,
    erlang:display({other_monitored_by, erlang:port_info(P6, monitored_by) =:= {monitored_by, [Watcher]}}),
    port_close(P6),
    erlang:display({other_down, receive {watcher, T6, Same6, R6} -> {T6, Same6, R6} after 5000 -> timeout end}),
    _ = exit_msg(P6),
    %% Monitoring a port that is closed: noproc.
    M7 = monitor(port, P6),
    erlang:display({closed_port_down, down(M7, P6)}),
    %% A registered port, monitored by name.
    P8 = open_port({spawn, "cat"}, []),
    true = register(port_monitor_test_port, P8),
    M8 = monitor(port, port_monitor_test_port),
    port_close(P8),
    erlang:display({by_name_down, receive {'DOWN', M8, T8, Obj8, R8} -> {T8, Obj8, R8} after 5000 -> timeout end}),
    _ = exit_msg(P8),
    M9 = monitor(port, port_monitor_test_port),
    erlang:display({unknown_name_down, receive {'DOWN', M9, T9, Obj9, R9} -> {T9, Obj9, R9} after 5000 -> timeout end}),
    erlang:display({monitor_port_with_pid, try monitor(port, self()) catch C1:E1 -> {C1, E1} end}),
    erlang:display({monitor_process_with_port, try monitor(process, P8) catch C2:E2 -> {C2, E2} end}),
    erlang:display({monitor_port_bad, try monitor(port, "x") catch C3:E3 -> {C3, E3} end}),
    %% erlang:ports/0.
    P10 = open_port({spawn, "cat"}, []),
    erlang:display({in_ports, lists:member(P10, erlang:ports())}),
    erlang:display({all_ports, lists:all(fun erlang:is_port/1, erlang:ports())}),
    port_close(P10),
    _ = exit_msg(P10),
    erlang:display({closed_not_in_ports, lists:member(P10, erlang:ports())}),
    %% port_to_list / list_to_port.
    P11 = open_port({spawn, "cat"}, []),
    L11 = erlang:port_to_list(P11),
    erlang:display({port_to_list_prefix, lists:prefix("#Port<0.", L11), lists:last(L11)}),
    erlang:display({list_to_port, list_to_port(L11) =:= P11}),
    erlang:display({list_to_port_bad, try list_to_port("#Port<x>") catch C4:E4 -> {C4, E4} end}),
    erlang:display({list_to_port_bad2, try list_to_port("not a port") catch C5:E5 -> {C5, E5} end}),
    %% Ports as terms.
    P12 = open_port({spawn, "cat"}, []),
    erlang:display({is_port, is_port(P11), is_port(self()), is_port(port_to_list(P11))}),
    erlang:display({compare, P11 < P12, P11 == P11, P11 =/= P12}),
    erlang:display({order, self() > P11, P11 > make_ref(), P11 > 1.0e300, P11 < {}}),
    erlang:display({binary_roundtrip, binary_to_term(term_to_binary(P11)) =:= P11}),
    erlang:display({phash, erlang:phash2(P11) =:= erlang:phash2(P11)}),
    erlang:display({node, node(P11) =:= node()}),
    port_close(P11),
    port_close(P12),
    _ = exit_msg(P11),
    _ = exit_msg(P12),
    erlang:display({closed_list_to_port, list_to_port(L11) =:= P11, erlang:port_info(list_to_port(L11))}),
    erlang:display({mailbox, flush()}),
    ok.

%% The 'DOWN' message of monitor M on port P, with the port replaced by the atom port.
down(M, P) ->
    receive
        {'DOWN', M, Type, P, Reason} -> {Type, port, Reason};
        {'DOWN', M, Type, Other, Reason} -> {Type, Other, Reason}
    after 5000 -> timeout
    end.

exit_msg(P) ->
    receive {'EXIT', P, R} -> {'EXIT', R} after 5000 -> timeout end.

%% The messages left in the mailbox, with pids, ports and references replaced by atoms.
flush() ->
    receive M -> [anon(M) | flush()] after 0 -> [] end.

anon(T) when is_pid(T) -> pid;
anon(T) when is_port(T) -> port;
anon(T) when is_reference(T) -> ref;
anon([H | T]) -> [anon(H) | anon(T)];
anon(T) when is_tuple(T) -> list_to_tuple(anon(tuple_to_list(T)));
anon(T) when is_map(T) -> maps:from_list(anon(maps:to_list(T)));
anon(T) -> T.
