-module(port_info).
-export([main/0]).
%% erlang:port_info/1,2 on spawn ports: the keys of port_info/1 (and registered_name once
%% registered), every item of port_info/2, input and output byte counts after known exchanges
%% (stream, packet and line modes), links and monitored_by changing, the parallelism option,
%% port_info of a closed port and of a name, and the badarg cases.
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
    Self = self(),
    P = open_port({spawn, "cat"}, [binary]),
    Info = erlang:port_info(P),
    erlang:display({keys, [K || {K, _} <- Info]}),
    erlang:display({info_name, lists:keyfind(name, 1, Info)}),
    erlang:display({info_connected, lists:keyfind(connected, 1, Info) =:= {connected, Self}}),
    erlang:display({info_links, lists:keyfind(links, 1, Info) =:= {links, [Self]}}),
    erlang:display({info_io, lists:keyfind(input, 1, Info), lists:keyfind(output, 1, Info)}),
    {id, Id} = lists:keyfind(id, 1, Info),
    {os_pid, OsPid} = lists:keyfind(os_pid, 1, Info),
    erlang:display({info_id_os_pid, is_integer(Id), is_integer(OsPid)}),
    %% port_info/2, item by item.
    erlang:display(erlang:port_info(P, name)),
    erlang:display({connected, erlang:port_info(P, connected) =:= {connected, Self}}),
    erlang:display({links, erlang:port_info(P, links) =:= {links, [Self]}}),
    erlang:display(erlang:port_info(P, monitors)),
    erlang:display(erlang:port_info(P, monitored_by)),
    erlang:display(erlang:port_info(P, input)),
    erlang:display(erlang:port_info(P, output)),
    erlang:display({os_pid, erlang:port_info(P, os_pid) =:= {os_pid, OsPid}}),
    erlang:display(erlang:port_info(P, queue_size)),
    {memory, Mem} = erlang:port_info(P, memory),
    erlang:display({memory, is_integer(Mem), Mem > 0}),
    erlang:display(erlang:port_info(P, parallelism)),
    erlang:display(erlang:port_info(P, locking)),
    erlang:display({id, erlang:port_info(P, id) =:= {id, Id}}),
    erlang:display(erlang:port_info(P, registered_name)),
    %% Input and output counts after an exchange.
    true = port_command(P, <<"hello">>),
    true = port_command(P, [<<"wor">>, "ld", []]),
    erlang:display({echoed, read_bytes(P, 10)}),
    erlang:display(erlang:port_info(P, input)),
    erlang:display(erlang:port_info(P, output)),
    erlang:display(erlang:port_info(P, queue_size)),
    %% Monitors show in monitored_by.
    MRef = monitor(port, P),
    erlang:display({monitored_by, erlang:port_info(P, monitored_by) =:= {monitored_by, [Self]}}),
    demonitor(MRef, [flush]),
    erlang:display(erlang:port_info(P, monitored_by)),
    %% Links: another process linking.
    Other = spawn(fun() -> link(P), Self ! linked, receive stop -> ok end end),
    receive linked -> ok end,
    {links, Links} = erlang:port_info(P, links),
    erlang:display({two_links, lists:sort(Links) =:= lists:sort([Self, Other])}),
    unlink(P),
    erlang:display({after_unlink, erlang:port_info(P, links) =:= {links, [Other]}}),
    link(P),
    %% A registered port.
    true = register(port_info_test_port, P),
    erlang:display({keys_registered, [K || {K, _} <- erlang:port_info(P)]}),
    erlang:display(erlang:port_info(P, registered_name)),
    erlang:display({by_name, erlang:port_info(port_info_test_port, name)}),
    erlang:display({by_name_connected, erlang:port_info(port_info_test_port, connected) =:= {connected, Self}}),
    erlang:display({unregister, unregister(port_info_test_port), erlang:port_info(P, registered_name)}),
    %% Closed port.
    Other ! stop,
    true = port_close(P),
    erlang:display({closed, erlang:port_info(P)}),
    erlang:display({closed_name, erlang:port_info(P, name)}),
    erlang:display({closed_bad_item, erlang:port_info(P, no_such_item)}),
    erlang:display({unregistered_name, erlang:port_info(no_such_registered_port, name)}),
    erlang:display({unregistered_name1, erlang:port_info(no_such_registered_port)}),
    %% Names given to spawn_executable and with args.
    E = open_port({spawn_executable, "/bin/cat"}, [{args, ["-"]}]),
    erlang:display({executable_name, erlang:port_info(E, name)}),
    port_close(E),
    S = open_port({spawn, "cat -"}, []),
    erlang:display({spawn_name_with_args, erlang:port_info(S, name)}),
    port_close(S),
    %% parallelism option.
    Par = open_port({spawn, "cat"}, [{parallelism, true}]),
    erlang:display({parallelism_true, erlang:port_info(Par, parallelism)}),
    port_close(Par),
    %% Counts in packet mode: the payload only. Output and input after one frame each way.
    Pk = open_port({spawn_executable, bin("echo_packet")}, [{packet, 2}, {args, ["2"]}, binary]),
    true = port_command(Pk, <<"12345">>),
    erlang:display({packet_echo, receive {Pk, {data, Dk}} -> Dk after 5000 -> timeout end}),
    erlang:display({packet_io, erlang:port_info(Pk, input), erlang:port_info(Pk, output)}),
    port_close(Pk),
    %% Counts in line mode.
    Ln = open_port({spawn, "cat"}, [{line, 10}]),
    true = port_command(Ln, "ab\ncd\n"),
    erlang:display({line_data, [receive {Ln, {data, L}} -> L after 5000 -> timeout end || _ <- [1, 2]]}),
    erlang:display({line_io, erlang:port_info(Ln, input), erlang:port_info(Ln, output)}),
    port_close(Ln),
    %% Bad arguments.
    P2 = open_port({spawn, "cat"}, []),
    erlang:display({bad_item, catch_error(fun() -> erlang:port_info(P2, no_such_item) end)}),
    erlang:display({bad_item_type, catch_error(fun() -> erlang:port_info(P2, "name") end)}),
    erlang:display({pid_arg, catch_error(fun() -> erlang:port_info(self(), name) end)}),
    erlang:display({pid_arg1, catch_error(fun() -> erlang:port_info(self()) end)}),
    erlang:display({list_arg, catch_error(fun() -> erlang:port_info("port") end)}),
    erlang:display({integer_arg, catch_error(fun() -> erlang:port_info(42, name) end)}),
    port_close(P2),
    erlang:display({mailbox, flush()}),
    ok.

catch_error(F) ->
    try F() catch C:R -> {C, R} end.

read_bytes(P, N) -> read_bytes(P, N, <<>>).
read_bytes(_P, N, Acc) when byte_size(Acc) >= N -> Acc;
read_bytes(P, N, Acc) ->
    receive
        {P, {data, D}} -> read_bytes(P, N, <<Acc/binary, D/binary>>)
    after 5000 -> {timeout, Acc}
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
