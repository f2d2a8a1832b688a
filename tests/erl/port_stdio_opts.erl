-module(port_stdio_opts).
-export([main/0]).
%% Standard I/O options: nouse_stdio (the program talks on fds 3 and 4), use_stdio,
%% stderr_to_stdout (and stderr not captured without it), in only (port_command makes the port
%% exit with ebadf), out only (no data messages; the program's input arrives), hide and
%% overlapped_io (accepted, no effect here).
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 20000 -> erlang:display(timeout)
    end.

bin(Name) -> filename:join(os:getenv("BEAM_TEST_PORT_BIN"), Name).

checks() ->
    process_flag(trap_exit, false),
    %% nouse_stdio: fd 3 is the program's input, fd 4 its output.
    Fd = open_port({spawn_executable, bin("fd34")}, [nouse_stdio, binary, exit_status]),
    true = port_command(Fd, <<"through fd 3">>),
    erlang:display({nouse_stdio, read_bytes(Fd, 12)}),
    true = port_command(Fd, ["and ", <<"again">>]),
    erlang:display({nouse_stdio_again, read_bytes(Fd, 9)}),
    erlang:display({nouse_stdio_close, port_close(Fd)}),
    %% nouse_stdio with packet framing.
    FdP = open_port({spawn_executable, bin("fd34")}, [nouse_stdio, {packet, 2}]),
    true = port_command(FdP, "framed"),
    true = port_command(FdP, ""),
    erlang:display({nouse_stdio_packet, recv(FdP), recv(FdP)}),
    port_close(FdP),
    %% nouse_stdio with spawn.
    FdS = open_port({spawn, "sh -c 'echo via_fd4 >&4'"}, [nouse_stdio, exit_status]),
    erlang:display({nouse_stdio_spawn, collect(FdS)}),
    %% use_stdio (the default), stated.
    erlang:display({use_stdio, collect(open_port({spawn, "echo std"}, [use_stdio, exit_status]))}),
    %% stderr_to_stdout: both streams in the data, in the order written.
    Err = open_port({spawn_executable, bin("stderr_writer")}, [stderr_to_stdout, exit_status]),
    erlang:display({stderr_to_stdout, collect(Err)}),
    ErrS = open_port({spawn, "sh -c 'echo to_err >&2; exit 4'"}, [stderr_to_stdout, exit_status, binary]),
    erlang:display({stderr_to_stdout_spawn, collect(ErrS)}),
    %% Without it the data has stdout only (stderr goes to the VM's stderr).
    NoErr = open_port({spawn_executable, bin("stderr_writer")}, [exit_status]),
    erlang:display({stderr_separate, collect(NoErr)}),
    %% in only: data arrives; writing to it makes the port exit with ebadf.
    In = open_port({spawn, "echo in_only"}, [in, exit_status]),
    erlang:display({in_only, collect(In)}),
    process_flag(trap_exit, true),
    In2 = open_port({spawn, "sleep 1"}, [in]),
    erlang:display({in_only_command, try port_command(In2, "x") catch C1:R1 -> {C1, R1} end}),
    erlang:display({in_only_exit, receive {'EXIT', In2, E2} -> E2 after 5000 -> timeout end}),
    process_flag(trap_exit, false),
    %% out only: the program gets the data (it writes it to a file), no message comes back.
    File = "/tmp/beam_port_stdio_out." ++ os:getpid(),
    Out = open_port({spawn, "sh -c 'cat > \"$F.tmp\"; mv \"$F.tmp\" \"$F\"'"}, [out, {env, [{"F", File}]}]),
    true = port_command(Out, "written to an out-only port"),
    erlang:display({out_only_messages, receive {Out, M} -> M after 200 -> none end}),
    erlang:display({out_only_close, port_close(Out)}),
    Waiter = open_port({spawn, "sh -c " ++ wait_file_script()}, [exit_status, {env, [{"F", File}]}]),
    erlang:display({out_only_received, collect(Waiter)}),
    %% in and out together, as the default.
    Both = open_port({spawn, "cat"}, [in, out]),
    true = port_command(Both, "both"),
    erlang:display({in_out, recv(Both)}),
    port_close(Both),
    %% hide and overlapped_io are accepted.
    Hide = open_port({spawn, "echo hidden"}, [hide, overlapped_io, exit_status]),
    erlang:display({hide, collect(Hide)}),
    erlang:display({mailbox, flush()}),
    ok.

%% All data until the exit status: {Status, Data}.
collect(P) -> collect(P, []).
collect(P, Acc) ->
    receive
        {P, {data, D}} -> collect(P, [D | Acc]);
        {P, {exit_status, S}} -> {S, join(lists:reverse(Acc))}
    after 5000 -> {timeout, lists:reverse(Acc)}
    end.

join([]) -> [];
join([B | _] = L) when is_binary(B) -> iolist_to_binary(L);
join(L) -> lists:append(L).

read_bytes(P, N) -> read_bytes(P, N, <<>>).
read_bytes(_P, N, Acc) when byte_size(Acc) >= N -> Acc;
read_bytes(P, N, Acc) ->
    receive
        {P, {data, D}} -> read_bytes(P, N, <<Acc/binary, D/binary>>)
    after 5000 -> {timeout, Acc}
    end.

recv(P) ->
    receive {P, {data, D}} -> D after 5000 -> timeout end.

%% A shell script that waits up to 5 s for file $F, prints it and removes it.
wait_file_script() ->
    "'i=0; while [ ! -f \"$F\" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done;"
        " cat \"$F\"; rm -f \"$F\"'".

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
