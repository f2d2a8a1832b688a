-module(port_held_output).
-export([main/0]).
%% Commands a process gives a port program one after another in one time slice (which this
%% VM may write together): the program gets all of them, in order, whatever the process
%% does next: wait for the answer, close the port, exit (the port closes with it), send a
%% message, look at the port, or mix port_command with the message interface. Also more
%% than a pipe holds at once, and two ports written in turn.
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, Reason})
    after 30000 -> erlang:display(timeout)
    end.

checks() ->
    %% Waiting for the answer: `wc -c` sees all the bytes once its input ends.
    P1 = open_port({spawn, "head -c 5000 | wc -c"}, [exit_status]),
    [true = port_command(P1, lists:duplicate(500, $a)) || _ <- lists:seq(1, 10)],
    erlang:display({wait_for_answer, collect(P1)}),

    %% Echoed frames, many at once (more than a pipe holds), in order.
    P2 = open_port({spawn, "cat"}, [{packet, 4}, binary]),
    Frames = [<<I:32, (binary:copy(<<I:8>>, 1000))/binary>> || I <- lists:seq(1, 200)],
    [true = port_command(P2, F) || F <- Frames],
    erlang:display({echoed_in_order, [receive {P2, {data, D}} -> D end || _ <- Frames] =:= Frames}),

    %% A port looked at right after a command: its queue is empty (the pipe took it).
    true = port_command(P2, <<"x">>),
    erlang:display({queue_after_command, erlang:port_info(P2, queue_size)}),
    erlang:display({echo_after_info, receive {P2, {data, X}} -> X end}),

    %% The message interface and port_command mixed keep their order.
    P2 ! {self(), {command, <<"m1">>}},
    true = port_command(P2, <<"c2">>),
    P2 ! {self(), {command, [<<"m">>, "3"]}},
    erlang:display({mixed, [receive {P2, {data, M}} -> M end || _ <- [1, 2, 3]]}),
    port_close(P2),

    %% Closed right after the commands: the program still reads them, then its input ends.
    File = "port_held_output_" ++ os:getpid() ++ ".tmp",
    %% (An inner shell keeps the port's output open: the command runs as `exec Command`, so
    %% `cat > F` alone would close it at once, and a port whose program closes its output
    %% ends, on both VMs.)
    P3 = open_port({spawn, keep_output("cat > " ++ File)}, []),
    [true = port_command(P3, integer_to_list(I) ++ "\n") || I <- lists:seq(1, 100)],
    port_close(P3),
    erlang:display({closed_after_commands, wait_file(File, 292, 200)}),

    %% The owner exits right after its commands: the port closes with it, after them.
    File2 = "port_held_output_exit_" ++ os:getpid() ++ ".tmp",
    {Owner, ORef} = spawn_monitor(fun() ->
                                          P = open_port({spawn, keep_output("cat > " ++ File2)},
                                                        []),
                                          [true = port_command(P, "0123456789")
                                           || _ <- lists:seq(1, 50)],
                                          exit(done)
                                  end),
    receive {'DOWN', ORef, process, Owner, Why} -> erlang:display({owner, Why}) end,
    erlang:display({owner_exited, wait_file(File2, 500, 200)}),

    %% A message sent right after a command, to a process that asks the program about it.
    Self = self(),
    P4 = open_port({spawn, "cat"}, [{packet, 2}]),
    Helper = spawn(fun() -> receive go -> Self ! {helper, ok} end end),
    true = port_command(P4, "before message"),
    Helper ! go,
    receive {helper, ok} -> ok end,
    erlang:display({after_message, receive {P4, {data, D4}} -> D4 end}),

    %% Two ports written in turn in one slice.
    Pa = open_port({spawn, "cat"}, [{packet, 1}]),
    Pb = open_port({spawn, "cat"}, [{packet, 1}]),
    [begin true = port_command(Pa, [$a, $0 + I]), true = port_command(Pb, [$b, $0 + I]) end
     || I <- lists:seq(0, 9)],
    erlang:display({two_ports, [receive {Pa, {data, A}} -> A end || _ <- lists:seq(0, 9)],
                    [receive {Pb, {data, B}} -> B end || _ <- lists:seq(0, 9)]}),
    port_close(Pa),
    port_close(Pb),
    port_close(P4),
    ok.

keep_output(Command) -> "sh -c '" ++ Command ++ "; true'".

collect(P) ->
    receive
        {P, {data, D}} -> [{data, D} | collect(P)];
        {P, {exit_status, S}} -> [{exit_status, S}]
    after 10000 -> [timeout]
    end.

%% Waits until the file has Size bytes (the program writes it after its input ends); its
%% size, or what it held when time ran out. Deletes it.
wait_file(File, _Size, 0) ->
    R = file_size(File),
    _ = prim_file:delete(File),
    {gave_up, R};
wait_file(File, Size, N) ->
    case file_size(File) of
        Size ->
            _ = prim_file:delete(File),
            {size, Size};
        _ ->
            receive after 20 -> wait_file(File, Size, N - 1) end
    end.

file_size(File) ->
    case prim_file:read_file(File) of
        {ok, B} -> byte_size(B);
        Error -> Error
    end.
