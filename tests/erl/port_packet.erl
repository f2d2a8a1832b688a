-module(port_packet).
-export([main/0]).
%% {packet, 1 | 2 | 4} through echo_packet (a C program that echoes frames): round trips in list
%% and binary mode, empty frames, the largest frame of each header size, a 70000-byte frame with
%% packet 4, iolists, several frames sent at once arriving as one message each, and a frame too
%% large for its header (the port exits with einval).
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 20000 -> erlang:display(timeout)
    end.

bin(Name) -> filename:join(os:getenv("BEAM_TEST_PORT_BIN"), Name).

open(N, Mode) ->
    open_port({spawn_executable, bin("echo_packet")},
              [{packet, N}, {args, [integer_to_list(N)]}, exit_status | Mode]).

checks() ->
    process_flag(trap_exit, false),
    [packet_checks(N, Mode) || N <- [1, 2, 4], Mode <- [[], [binary]]],
    %% Largest frames.
    P1 = open(1, [binary]),
    erlang:display({max_1, roundtrip_size(P1, 255)}),
    close(P1),
    P2 = open(2, [binary]),
    erlang:display({max_2, roundtrip_size(P2, 65535)}),
    close(P2),
    P4 = open(4, [binary]),
    erlang:display({big_4, roundtrip_size(P4, 70000)}),
    erlang:display({big_4_100000, roundtrip_size(P4, 100000)}),
    close(P4),
    P4L = open(4, []),
    Big = pattern(70000),
    true = port_command(P4L, Big),
    erlang:display({big_4_list_mode, receive
                                         {P4L, {data, D4}} -> {length(D4), D4 =:= binary_to_list(Big)}
                                     after 5000 -> timeout
                                     end}),
    close(P4L),
    %% A frame too large for its header: the port exits with reason einval.
    process_flag(trap_exit, true),
    Q1 = open(1, [binary]),
    erlang:display({too_big_1, try_command(Q1, pattern(256))}),
    erlang:display({too_big_1_exit, receive {'EXIT', Q1, E1} -> E1 after 5000 -> timeout end}),
    erlang:display({too_big_1_closed, erlang:port_info(Q1)}),
    Q2 = open(2, []),
    erlang:display({too_big_2_ok, roundtrip(Q2, "before")}),
    erlang:display({too_big_2, try_command(Q2, [pattern(65535), $x])}),
    erlang:display({too_big_2_exit, receive {'EXIT', Q2, E2} -> E2 after 5000 -> timeout end}),
    process_flag(trap_exit, false),
    %% port_close right after the reply: no message left behind.
    Q3 = open(2, []),
    port_command(Q3, "last"),
    erlang:display({last_frame, receive {Q3, {data, L3}} -> L3 after 5000 -> timeout end}),
    erlang:display({close_q3, port_close(Q3)}),
    erlang:display({mailbox, flush()}),
    ok.

packet_checks(N, Mode) ->
    P = open(N, Mode),
    Tag = {N, Mode},
    erlang:display({Tag, simple, roundtrip(P, "hello")}),
    erlang:display({Tag, binary_in, roundtrip(P, <<"binary in">>)}),
    erlang:display({Tag, empty, roundtrip(P, "")}),
    erlang:display({Tag, empty_binary, roundtrip(P, <<>>)}),
    erlang:display({Tag, iolist, roundtrip(P, [$a, [<<"bc">>, [], "de"], <<>>, $f])}),
    Bytes = lists:seq(0, 254),
    erlang:display({Tag, all_bytes, iolist_to_binary(roundtrip(P, Bytes)) =:= list_to_binary(Bytes)}),
    %% Several frames written at once: one message per frame, in order.
    true = port_command(P, "one"),
    true = port_command(P, ""),
    true = port_command(P, <<"three">>),
    erlang:display({Tag, three_frames, [recv(P), recv(P), recv(P)]}),
    erlang:display({Tag, port_command_result, port_command(P, "x"), recv(P)}),
    %% The Port ! {self(), {command, Data}} form.
    P ! {self(), {command, <<"by message">>}},
    erlang:display({Tag, command_msg, recv(P)}),
    close(P).

roundtrip(P, Data) ->
    true = port_command(P, Data),
    recv(P).

roundtrip_size(P, Size) ->
    Data = pattern(Size),
    true = port_command(P, Data),
    receive
        {P, {data, D}} when is_binary(D) -> {byte_size(D), D =:= Data, erlang:crc32(D)}
    after 5000 -> timeout
    end.

pattern(N) -> list_to_binary([I rem 251 || I <- lists:seq(1, N)]).

try_command(P, Data) ->
    try port_command(P, Data) catch C:R -> {C, R} end.

recv(P) ->
    receive {P, {data, D}} -> D after 5000 -> timeout end.

%% Closes stdin: echo_packet exits with status 0.
close(P) ->
    true = port_close(P),
    receive {P, M} -> {unexpected, M} after 0 -> ok end.

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
