-module(port_owner).
-export([main/0]).
%% The connected process (owner) of a port: port_connect/2 (the new owner is linked, the old one
%% stays linked until it unlinks), the message protocol {Pid, {command, D}}, {Pid, {connect, New}}
%% -> {Port, connected}, {Pid, close} -> {Port, closed}, messages from a process that is not the
%% owner (the owner gets an exit signal badsig, the port lives on), port_command/port_close/
%% port_connect called by other processes, and the owner's death closing the port.
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
    %% port_connect/2 then unlink.
    P1 = open_port({spawn, "cat"}, []),
    New1 = forwarder(Self),
    erlang:display({port_connect, port_connect(P1, New1)}),
    erlang:display({connected_new, erlang:port_info(P1, connected) =:= {connected, New1}}),
    erlang:display({links_both, links(P1, [{Self, self}, {New1, new1}])}),
    erlang:display({unlink, unlink(P1)}),
    erlang:display({links_new, links(P1, [{Self, self}, {New1, new1}])}),
    %% Data now goes to the new owner (which forwards it).
    true = port_command(P1, "to new owner"),
    erlang:display({new_owner_got, forwarded(New1)}),
    erlang:display({old_owner_got, receive {P1, M1} -> M1 after 100 -> nothing end}),
    %% The new owner closes it: {P, closed} goes to it.
    New1 ! {send, P1, {New1, close}},
    erlang:display({closed_msgs, forwarded(New1, 2)}),
    erlang:display({closed_info, erlang:port_info(P1)}),
    stop(New1),

    %% {Pid, {connect, New}}: the old owner gets {Port, connected}.
    P2 = open_port({spawn, "cat"}, []),
    New2 = forwarder(Self),
    P2 ! {Self, {connect, New2}},
    erlang:display({connect_msg, receive {P2, C2} -> C2 after 5000 -> timeout end}),
    erlang:display({connect_msg_owner, erlang:port_info(P2, connected) =:= {connected, New2}}),
    erlang:display({connect_msg_links, links(P2, [{Self, self}, {New2, new2}])}),
    unlink(P2),
    erlang:display({connect_msg_links_unlinked, links(P2, [{Self, self}, {New2, new2}])}),
    %% {Pid, {command, D}} from the new owner.
    New2 ! {send, P2, {New2, {command, <<"cmd from owner">>}}},
    erlang:display({command_msg, forwarded(New2)}),
    %% A command message naming another process: the owner gets an exit signal badsig.
    P2 ! {Self, {command, "not the owner"}},
    erlang:display({wrong_sender, forwarded(New2)}),
    erlang:display({wrong_sender_port_alive, is_list(erlang:port_info(P2))}),
    %% port_command/2 from a process that is not the owner: allowed, the owner gets the data.
    true = port_command(P2, "port_command by other"),
    erlang:display({other_port_command, forwarded(New2)}),
    %% port_connect/2 by a process that is not the owner: allowed.
    New3 = forwarder(Self),
    erlang:display({other_port_connect, port_connect(P2, New3)}),
    erlang:display({other_port_connect_owner, erlang:port_info(P2, connected) =:= {connected, New3}}),
    erlang:display({other_port_connect_links, links(P2, [{Self, self}, {New2, new2}, {New3, new3}])}),
    %% port_close/1 by a process that is not the owner.
    erlang:display({other_port_close, port_close(P2)}),
    erlang:display({other_port_close_info, erlang:port_info(P2)}),
    erlang:display({other_port_close_owner_msgs, forwarded(New3, 1)}),
    erlang:display({other_port_close_no_msg, receive {P2, _} = M2 -> shape(M2) after 100 -> nothing end}),
    stop(New2),
    stop(New3),

    %% Other malformed port messages from the owner: badsig to the owner.
    P3 = open_port({spawn, "cat"}, []),
    P3 ! {Self, no_such_request},
    erlang:display({bad_request, receive {'EXIT', P3, R3} -> R3 after 5000 -> timeout end}),
    P3 ! not_a_tuple,
    erlang:display({not_a_tuple, receive {'EXIT', P3, R3b} -> R3b after 5000 -> timeout end}),
    P3 ! {Self, {connect, not_a_pid}},
    erlang:display({connect_not_a_pid, receive {'EXIT', P3, R3c} -> R3c after 5000 -> timeout end}),
    erlang:display({still_open, is_list(erlang:port_info(P3))}),
    true = port_command(P3, "alive"),
    erlang:display({still_works, receive {P3, {data, D3}} -> D3 after 5000 -> timeout end}),
    port_close(P3),
    erlang:display({close_exit, receive {'EXIT', P3, R3d} -> R3d after 5000 -> timeout end}),

    %% An owner that does not trap exits dies of badsig, and its port with it.
    {P4, Owner4} = port_in_new_owner(),
    MP4 = monitor(process, Owner4),
    MR4 = monitor(port, P4),
    P4 ! {Self, {command, "x"}},
    erlang:display({badsig_owner, receive {'DOWN', MP4, process, Owner4, Ro} -> Ro after 5000 -> timeout end}),
    erlang:display({badsig_port, receive {'DOWN', MR4, port, P4, Rp} -> Rp after 5000 -> timeout end}),

    %% The owner dying closes the port, with the owner's exit reason. (OTP 25 says process
    %% instead of port in the 'DOWN' message when the reason is not an atom or small integer.)
    [begin
         {P5, Owner5} = port_in_new_owner(),
         MR5 = monitor(port, P5),
         Owner5 ! {exit, Reason},
         erlang:display({owner_exit, Reason,
                         receive {'DOWN', MR5, Type5, P5, R5} -> {Type5, R5} after 5000 -> timeout end,
                         erlang:port_info(P5)})
     end || Reason <- [normal, boom, {shutdown, test}]],
    %% ... also when it is killed.
    {P6, Owner6} = port_in_new_owner(),
    MR6 = monitor(port, P6),
    exit(Owner6, kill),
    erlang:display({owner_killed, receive {'DOWN', MR6, port, P6, R6} -> R6 after 5000 -> timeout end}),
    %% A linked process that is not the owner exiting normally does not close the port.
    P7 = open_port({spawn, "cat"}, []),
    Linker = spawn(fun() -> link(P7), Self ! linked end),
    receive linked -> ok end,
    MLinker = monitor(process, Linker),
    receive {'DOWN', MLinker, process, Linker, _} -> ok end,
    erlang:display({linked_normal_exit, is_list(erlang:port_info(P7)), links(P7, [{Self, self}])}),
    port_close(P7),
    receive {'EXIT', P7, _} -> ok after 5000 -> ok end,
    erlang:display({mailbox, flush()}),
    ok.

%% The port's links, each pid replaced by its name in Names, sorted.
links(P, Names) ->
    {links, L} = erlang:port_info(P, links),
    lists:sort([case lists:keyfind(Pid, 1, Names) of {_, N} -> N; false -> other end || Pid <- L]).

%% A process that traps exits, forwards every message it gets to Parent, and sends messages on
%% request.
forwarder(Parent) ->
    Pid = spawn(fun() -> process_flag(trap_exit, true), Parent ! {ready, self()}, forward(Parent) end),
    receive {ready, Pid} -> Pid end.
forward(Parent) ->
    receive
        stop -> ok;
        {send, To, Msg} -> To ! Msg, forward(Parent);
        Msg -> Parent ! {forwarded, self(), Msg}, forward(Parent)
    end.

stop(Pid) ->
    Ref = monitor(process, Pid),
    Pid ! stop,
    receive {'DOWN', Ref, process, Pid, _} -> ok end.

%% What the forwarder got, with the port replaced by the atom port.
forwarded(Pid) ->
    receive
        {forwarded, Pid, Msg} -> shape(Msg)
    after 5000 -> timeout
    end.

%% N messages the forwarder got, sorted.
forwarded(Pid, N) ->
    lists:sort([forwarded(Pid) || _ <- lists:seq(1, N)]).

shape({P, M}) when is_port(P) -> {port, M};
shape({'EXIT', P, R}) when is_port(P) -> {'EXIT', port, R};
shape(M) -> M.

%% A port owned by a new process that does not trap exits; the process exits on request.
port_in_new_owner() ->
    Self = self(),
    Owner = spawn(fun() ->
                          P = open_port({spawn, "cat"}, []),
                          Self ! {port, self(), P},
                          receive {exit, R} -> exit(R) end
                  end),
    receive {port, Owner, P} -> {P, Owner} end.

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
