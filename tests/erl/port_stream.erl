-module(port_stream).
-export([main/0]).
%% Streams: 1 MB written to cat in chunks and read back (size and crc32), one 1 MB iolist command,
%% 1 MB produced by a program in list and binary mode, stdin closed by port_close (the program sees
%% EOF), and a filter that answers only at EOF of its input (head -c N | tr).
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
    Chunk = pattern(65536),
    %% 16 chunks of 64 KiB through cat.
    Cat = open_port({spawn, "cat"}, [binary, stream]),
    [true = port_command(Cat, Chunk) || _ <- lists:seq(1, 16)],
    {Size1, Crc1} = read_bytes(Cat, 16 * 65536),
    erlang:display({cat_chunks, Size1, Crc1 =:= erlang:crc32(lists:duplicate(16, Chunk))}),
    %% One command of 1 MB (an iolist of many small pieces) and one of 3 bytes after it.
    Io = [[I rem 256, <<"abc">>] || I <- lists:seq(1, 262144)],
    true = port_command(Cat, Io),
    true = port_command(Cat, "end"),
    {Size2, Crc2} = read_bytes(Cat, 4 * 262144 + 3),
    erlang:display({cat_iolist, Size2, Crc2 =:= erlang:crc32([Io, "end"])}),
    erlang:display({cat_close, port_close(Cat)}),
    %% List mode.
    CatL = open_port({spawn, "cat"}, []),
    true = port_command(CatL, binary:part(Chunk, 0, 50000)),
    {Size3, Crc3} = read_bytes(CatL, 50000),
    erlang:display({cat_list_mode, Size3, Crc3 =:= erlang:crc32(binary:part(Chunk, 0, 50000))}),
    port_close(CatL),
    %% 1 MB written by a program, binary and list mode, then its exit status.
    Expected = erlang:crc32(big_pattern(1048576)),
    BigB = open_port({spawn_executable, bin("big_writer")}, [binary, exit_status, {args, ["1048576"]}]),
    erlang:display({big_writer_binary, read_until_exit(BigB, Expected)}),
    BigL = open_port({spawn_executable, bin("big_writer")}, [exit_status, {args, ["300000"]}]),
    erlang:display({big_writer_list, read_until_exit(BigL, erlang:crc32(big_pattern(300000)))}),
    %% An empty output.
    Empty = open_port({spawn_executable, bin("big_writer")}, [binary, exit_status, {args, ["0"]}]),
    erlang:display({big_writer_empty, read_until_exit(Empty, erlang:crc32(<<>>))}),
    %% A filter that answers when its input is complete.
    Tr = open_port({spawn, "sh -c 'head -c 11 | tr a-z A-Z'"}, [exit_status]),
    true = port_command(Tr, "hello "),
    true = port_command(Tr, <<"world">>),
    erlang:display({head_tr, read_until_exit(Tr, none)}),
    %% port_close closes the program's stdin: it sees EOF (and reports it through a file).
    File = "/tmp/beam_port_stream_eof." ++ os:getpid(),
    Reader = open_port({spawn, "sh -c 'wc -c > \"$F.tmp\"; mv \"$F.tmp\" \"$F\"'"}, [{env, [{"F", File}]}]),
    true = port_command(Reader, "twelve bytes"),
    erlang:display({reader_close, port_close(Reader)}),
    Waiter = open_port({spawn, "sh -c " ++ wait_file_script()}, [exit_status, {env, [{"F", File}]}]),
    erlang:display({eof_seen_by_child, read_until_exit(Waiter, none)}),
    erlang:display({mailbox, flush()}),
    ok.

%% Reads N bytes of data messages; returns {N, crc32}.
read_bytes(P, N) -> read_bytes(P, N, 0, erlang:crc32(<<>>)).
read_bytes(_P, N, Got, Crc) when Got >= N -> {Got, Crc};
read_bytes(P, N, Got, Crc) ->
    receive
        {P, {data, D}} -> read_bytes(P, N, Got + iolist_size(D), erlang:crc32(Crc, D))
    after 5000 -> {timeout, Got}
    end.

%% Reads all data until the exit status: {Status, Size, CrcMatches}, or the data itself when
%% Expected is none.
read_until_exit(P, Expected) -> read_until_exit(P, Expected, 0, erlang:crc32(<<>>), []).
read_until_exit(P, Expected, Size, Crc, Acc) ->
    receive
        {P, {data, D}} when Expected =:= none -> read_until_exit(P, Expected, Size, Crc, [D | Acc]);
        {P, {data, D}} -> read_until_exit(P, Expected, Size + iolist_size(D), erlang:crc32(Crc, D), Acc);
        {P, {exit_status, S}} when Expected =:= none -> {S, lists:append(lists:reverse(Acc))};
        {P, {exit_status, S}} -> {S, Size, Crc =:= Expected}
    after 5000 -> {timeout, Size}
    end.

pattern(N) -> list_to_binary([(I * 31) rem 256 || I <- lists:seq(1, N)]).

%% What big_writer writes: byte I is (I * 7 + I div 251) rem 256.
big_pattern(N) -> << <<((I * 7 + I div 251) rem 256)>> || I <- lists:seq(0, N - 1) >>.

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
