-module(port_spawn_basic).
-export([main/0]).
%% open_port({spawn, Command}, ...): data messages in list and binary mode, exit_status (zero,
%% non-zero, command not found, killed by a signal), the eof option (the port stays open after
%% {Port, eof} until port_close; the exit status comes before eof), the 'EXIT' of the linked port
%% when trapping exits (also after port_close), and no message when not trapping exits.
main() ->
    %% The real erl runs main/0 in a process that traps exits: run the checks in a fresh one.
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 20000 -> erlang:display(timeout)
    end.

checks() ->
    erlang:display({trap_exit, process_flag(trap_exit, false)}),
    %% Plain spawn, list mode, no options.
    P1 = open_port({spawn, "echo hello"}, []),
    erlang:display({is_port, is_port(P1)}),
    erlang:display({echo_list, recv_data(P1)}),
    erlang:display({echo_list_closed, wait_closed(P1)}),
    %% Binary mode.
    P2 = open_port({spawn, "echo hello binary"}, [binary]),
    erlang:display({echo_binary, recv_data(P2)}),
    erlang:display({echo_binary_closed, wait_closed(P2)}),
    %% exit_status 0: all the data comes before the status.
    P3 = open_port({spawn, "printf 'a\\nb\\n'"}, [exit_status]),
    erlang:display({exit_0, collect(P3)}),
    erlang:display({closed_after_status, wait_closed(P3)}),
    erlang:display({port_info_closed, erlang:port_info(P3)}),
    %% Non-zero exit status.
    P4 = open_port({spawn, "sh -c 'exit 7'"}, [exit_status]),
    erlang:display({exit_7, collect(P4)}),
    %% The command runs as `exec Command`: a shell builtin is not found.
    P5 = open_port({spawn, "exit 3"}, [exit_status, binary]),
    erlang:display({exec_builtin, collect(P5)}),
    %% Command not found (the shell's error text goes to stderr, not compared).
    P6 = open_port({spawn, "nonexistent_cmd_xyz"}, [exit_status]),
    erlang:display({not_found, collect(P6)}),
    %% Killed by a signal: 128 + 9.
    P7 = open_port({spawn, "sh -c 'kill -9 $$'"}, [exit_status]),
    erlang:display({killed, collect(P7)}),
    P8 = open_port({spawn, "sh -c 'echo before; kill -15 $$'"}, [exit_status]),
    erlang:display({terminated, collect(P8)}),
    %% The eof option: {P, eof} and the port stays open until port_close.
    P9 = open_port({spawn, "echo with eof"}, [eof, binary]),
    erlang:display({eof_data, recv_data(P9)}),
    erlang:display({eof_msg, receive {P9, eof} -> eof after 5000 -> timeout end}),
    erlang:display({eof_still_open, is_list(erlang:port_info(P9))}),
    erlang:display({eof_no_more, receive {P9, M9} -> M9 after 200 -> nothing end}),
    erlang:display({eof_close, port_close(P9)}),
    erlang:display({eof_closed, erlang:port_info(P9)}),
    %% eof together with exit_status.
    P10 = open_port({spawn, "sh -c 'echo x; exit 5'"}, [eof, exit_status]),
    erlang:display({eof_and_status, collect_n(P10, 3)}),
    erlang:display({eof_and_status_open, is_list(erlang:port_info(P10))}),
    port_close(P10),
    %% Not trapping exits: a port that exits normally sends no 'EXIT' message.
    P11 = open_port({spawn, "echo quiet"}, [exit_status]),
    _ = collect(P11),
    erlang:display({no_exit_msg, receive {'EXIT', P11, R11} -> {exit, R11} after 200 -> none end}),
    %% Trapping exits: {'EXIT', Port, normal} after the exit status.
    process_flag(trap_exit, true),
    P12 = open_port({spawn, "echo trapped"}, [exit_status]),
    erlang:display({trapped_data, recv_data(P12)}),
    erlang:display({trapped_status, receive {P12, {exit_status, S12}} -> S12 after 5000 -> timeout end}),
    erlang:display({trapped_exit, receive {'EXIT', P12, R12} -> {exit, R12} after 5000 -> timeout end}),
    %% port_close by the owner: the link still sends {'EXIT', Port, normal}.
    P13 = open_port({spawn, "cat"}, []),
    erlang:display({close_cat, port_close(P13)}),
    erlang:display({close_exit_msg, receive {'EXIT', P13, R13} -> {exit, R13} after 200 -> none end}),
    %% A non-zero exit status still gives reason normal.
    P14 = open_port({spawn, "sh -c 'exit 9'"}, [exit_status]),
    erlang:display({status_9, receive {P14, {exit_status, S14}} -> S14 after 5000 -> timeout end}),
    erlang:display({status_9_exit, receive {'EXIT', P14, R14} -> {exit, R14} after 5000 -> timeout end}),
    %% Without exit_status, a port whose program exits is closed: 'EXIT' normal, no data.
    P15 = open_port({spawn, "true"}, []),
    erlang:display({true_exit, receive {'EXIT', P15, R15} -> {exit, R15} after 5000 -> timeout end}),
    erlang:display({true_closed, erlang:port_info(P15)}),
    erlang:display({mailbox, flush()}),
    ok.

%% All {data, _} of a port until its exit status, then the status.
collect(P) -> collect(P, []).
collect(P, Acc) ->
    receive
        {P, {data, D}} -> collect(P, [D | Acc]);
        {P, {exit_status, S}} -> {join(lists:reverse(Acc)), S}
    after 5000 -> {timeout, lists:reverse(Acc)}
    end.

join([]) -> [];
join([B | _] = L) when is_binary(B) -> iolist_to_binary(L);
join(L) -> lists:append(L).

%% One data message (echo writes its line at once).
recv_data(P) ->
    receive {P, {data, D}} -> D after 5000 -> timeout end.

collect_n(_P, 0) -> [];
collect_n(P, N) ->
    receive {P, M} -> [M | collect_n(P, N - 1)] after 5000 -> [timeout] end.

%% Waits until the port is closed (it may be closed already).
wait_closed(P) ->
    Ref = monitor(port, P),
    receive
        {'DOWN', Ref, port, P, R} when R =:= normal; R =:= noproc -> closed;
        {'DOWN', Ref, port, P, R} -> {closed, R}
    after 5000 -> timeout
    end.

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
