%% gen_tcp on loopback: an echo server with many clients, passive and active modes,
%% packet types (raw, 1, 2, 4, line, http, http_bin), list and binary modes, options,
%% names, shutdown, close, controlling_process and the errors OTP reports. Nothing printed
%% depends on port numbers or timing.
-module(inet_tcp_echo).
-export([main/0]).

-define(LO, {127,0,0,1}).

main() ->
    ensure_inet_db(),
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {reuseaddr, true}]),
    {ok, Port} = inet:port(L),
    {ok, {Ip, Port}} = inet:sockname(L),
    io:format("listen ip ~p, port positive ~p~n", [Ip, Port > 0]),
    io:format("listen opts ~p~n", [inet:getopts(L, [active, mode, packet, header, exit_on_close])]),
    Server = spawn_link(fun() -> acceptor(L) end),
    ok = gen_tcp:controlling_process(L, Server),
    Server ! go,
    many_clients(Port, 20),
    passive_raw(Port),
    active_modes(Port),
    packets(Port),
    errors(Port),
    big_transfer(Port),
    pair_tests(),
    io:format("done~n").

%% The server: one echo process per connection.
acceptor(L) ->
    receive go -> ok end,
    acceptor_loop(L).
acceptor_loop(L) ->
    case gen_tcp:accept(L) of
        {ok, S} ->
            Pid = spawn(fun() -> receive go -> echo(S) end end),
            ok = gen_tcp:controlling_process(S, Pid),
            Pid ! go,
            acceptor_loop(L);
        {error, closed} -> ok
    end.

echo(S) ->
    case gen_tcp:recv(S, 0) of
        {ok, <<"packet ", N>>} ->
            ok = inet:setopts(S, [{packet, N - $0}]),
            ok = gen_tcp:send(S, <<"ok">>),
            echo(S);
        {ok, Data} -> ok = gen_tcp:send(S, Data), echo(S);
        {error, closed} -> gen_tcp:close(S)
    end.

many_clients(Port, N) ->
    Self = self(),
    Pids = [spawn(fun() ->
                          S = switch(Port, 2, [binary, {active, false}]),
                          Msgs = [<<I:32, "client">> || I <- lists:seq(1, 50)],
                          Replies = [begin ok = gen_tcp:send(S, M), {ok, R} = gen_tcp:recv(S, 0), R end || M <- Msgs],
                          ok = gen_tcp:close(S),
                          Self ! {self(), Replies =:= Msgs}
                  end) || _ <- lists:seq(1, N)],
    Results = [receive {P, R} -> R end || P <- Pids],
    io:format("~p clients, all echoed: ~p~n", [N, lists:all(fun(X) -> X end, Results)]).

passive_raw(Port) ->
    {ok, S} = gen_tcp:connect(?LO, Port, [list, {active, false}]),
    io:format("peer is loopback ~p~n", [element(1, element(2, inet:peername(S))) =:= ?LO]),
    ok = gen_tcp:send(S, "hello world"),
    io:format("recv 5 ~p~n", [gen_tcp:recv(S, 5)]),
    io:format("recv 6 ~p~n", [gen_tcp:recv(S, 6)]),
    io:format("recv timeout ~p~n", [gen_tcp:recv(S, 0, 50)]),
    io:format("recv in packet mode with length ~p~n",
              [begin ok = inet:setopts(S, [{packet, 2}]), R = gen_tcp:recv(S, 3, 0), ok = inet:setopts(S, [{packet, 0}]), R end]),
    ok = gen_tcp:unrecv(S, "back"),
    io:format("unrecv ~p~n", [gen_tcp:recv(S, 0)]),
    {ok, Stats} = inet:getstat(S, [recv_cnt, recv_oct, send_cnt, send_oct, send_pend]),
    io:format("stats ~p~n", [Stats]),
    ok = inet:setopts(S, [binary, {header, 3}]),
    ok = gen_tcp:send(S, "abcdef"),
    io:format("header 3 ~p~n", [gen_tcp:recv(S, 6)]),
    ok = gen_tcp:close(S).

active_modes(Port) ->
    S = switch(Port, 4, [binary, {active, false}]),
    ok = inet:setopts(S, [{active, true}]),
    ok = gen_tcp:send(S, <<"four">>),
    io:format("active true ~p~n", [strip(receive M -> M end, S)]),
    ok = inet:setopts(S, [{active, once}]),
    ok = gen_tcp:send(S, <<"one">>),
    io:format("active once ~p~n", [strip(receive M2 -> M2 end, S)]),
    io:format("now ~p~n", [inet:getopts(S, [active])]),
    ok = inet:setopts(S, [{active, 2}]),
    ok = gen_tcp:send(S, <<"a">>),
    io:format("n1 ~p~n", [strip(receive M3 -> M3 end, S)]),
    ok = gen_tcp:send(S, <<"b">>),
    io:format("n2 ~p~n", [strip(receive M4 -> M4 end, S)]),
    io:format("passive msg ~p~n", [strip(receive M5 -> M5 end, S)]),
    io:format("now ~p~n", [inet:getopts(S, [active])]),
    io:format("recv while active ~p~n", [begin ok = inet:setopts(S, [{active, true}]), gen_tcp:recv(S, 0, 0) end]),
    ok = inet:setopts(S, [{active, 0}]),
    io:format("active 0 ~p~n", [strip(receive M6 -> M6 end, S)]),
    ok = gen_tcp:shutdown(S, write),
    ok = inet:setopts(S, [{active, true}]),
    io:format("after shutdown ~p~n", [strip(receive M7 -> M7 after 2000 -> timeout end, S)]),
    io:format("port gone ~p~n", [erlang:port_info(S) =:= undefined]),
    io:format("send on closed ~p~n", [gen_tcp:send(S, <<"x">>)]).

packets(Port) ->
    S = switch(Port, 0, [list, {active, false}]),
    ok = inet:setopts(S, [{packet, line}]),
    ok = gen_tcp:send(S, "first line\nsecond "),
    ok = gen_tcp:send(S, "line\nthird\n"),
    io:format("lines ~p ~p ~p~n", [gen_tcp:recv(S, 0), gen_tcp:recv(S, 0), gen_tcp:recv(S, 0)]),
    ok = inet:setopts(S, [{line_delimiter, $;}]),
    ok = gen_tcp:send(S, "a;bc;"),
    io:format("delimited ~p ~p~n", [gen_tcp:recv(S, 0), gen_tcp:recv(S, 0)]),
    ok = inet:setopts(S, [{packet, http}]),
    ok = gen_tcp:send(S, "GET /index.html?x=1 HTTP/1.1\r\nHost: example\r\nX-Custom:  v a l\r\n\r\n"),
    io:format("http ~p~n", [[gen_tcp:recv(S, 0) || _ <- lists:seq(1, 4)]]),
    ok = inet:setopts(S, [{packet, http_bin}]),
    ok = gen_tcp:send(S, "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
    io:format("http_bin ~p~n", [[gen_tcp:recv(S, 0) || _ <- lists:seq(1, 3)]]),
    ok = inet:setopts(S, [{packet, http}, {active, once}]),
    ok = gen_tcp:send(S, "POST / HTTP/1.0\r\n"),
    io:format("http active ~p~n", [strip(receive M -> M end, S)]),
    ok = inet:setopts(S, [{packet, raw}, {active, false}]),
    ok = gen_tcp:send(S, "bye"),
    io:format("raw ~p~n", [gen_tcp:recv(S, 3)]),
    ok = gen_tcp:close(S),
    %% packet 1 both ways, and packet_size
    S1 = switch(Port, 1, [binary, {active, false}]),
    ok = gen_tcp:send(S1, <<"x">>),
    ok = gen_tcp:send(S1, <<>>),
    io:format("packet 1 ~p ~p~n", [gen_tcp:recv(S1, 0), gen_tcp:recv(S1, 0)]),
    ok = inet:setopts(S1, [{packet_size, 2}]),
    ok = gen_tcp:send(S1, <<"long">>),
    io:format("over packet_size ~p~n", [gen_tcp:recv(S1, 0)]),
    gen_tcp:close(S1).

errors(Port) ->
    {ok, L2} = gen_tcp:listen(0, [{ip, ?LO}]),
    {ok, P2} = inet:port(L2),
    io:format("accept timeout ~p~n", [gen_tcp:accept(L2, 10)]),
    io:format("recv on listener ~p~n", [gen_tcp:recv(L2, 0)]),
    ok = gen_tcp:close(L2),
    io:format("refused ~p~n", [gen_tcp:connect(?LO, P2, [])]),
    io:format("closed socket ~p~n", [gen_tcp:send(L2, "x")]),
    io:format("bad option ~p~n", [catch gen_tcp:connect(?LO, Port, [{active, maybe}])]),
    io:format("getopts unknown ~p~n", [inet:getopts(element(2, gen_tcp:listen(0, [])), [line_delimiter])]),
    {ok, S} = gen_tcp:connect(?LO, Port, [{active, false}]),
    ok = gen_tcp:close(S),
    io:format("recv after close ~p~n", [gen_tcp:recv(S, 0)]),
    %% the peer closes a passive socket
    {ok, LL} = gen_tcp:listen(0, [{active, false}]),
    {ok, PP} = inet:port(LL),
    {ok, C} = gen_tcp:connect(?LO, PP, [{active, false}]),
    {ok, A} = gen_tcp:accept(LL),
    ok = gen_tcp:send(A, "last words"),
    ok = gen_tcp:close(A),
    io:format("passive peer close ~p ~p~n", [gen_tcp:recv(C, 0), gen_tcp:recv(C, 0)]),
    io:format("send after peer close ~p~n", [gen_tcp:send(C, "x")]),
    gen_tcp:close(C),
    gen_tcp:close(LL).

%% 10 MB through the echo server with {active, once} flow control on the reading side.
big_transfer(Port) ->
    {ok, S} = gen_tcp:connect(?LO, Port, [binary, {active, false}]),
    Chunk = list_to_binary([I rem 251 || I <- lists:seq(1, 65536)]),
    Total = 10 * 1024 * 1024,
    Self = self(),
    Reader = spawn(fun() -> receive go -> ok end, Self ! {got, read_all(S, Total, erlang:crc32(<<>>))} end),
    ok = gen_tcp:controlling_process(S, Reader),
    Reader ! go,
    [ok = gen_tcp:send(S, Chunk) || _ <- lists:seq(1, Total div 65536)],
    Expected = lists:foldl(fun(_, C) -> erlang:crc32(C, Chunk) end, erlang:crc32(<<>>), lists:seq(1, Total div 65536)),
    receive {got, Crc} -> io:format("10 MB echoed intact ~p~n", [Crc =:= Expected]) end.

read_all(S, 0, Crc) -> gen_tcp:close(S), Crc;
read_all(S, Left, Crc) ->
    ok = inet:setopts(S, [{active, once}]),
    receive
        {tcp, S, D} -> read_all(S, Left - byte_size(D), erlang:crc32(Crc, D));
        Other -> Other
    end.

%% Two sockets of our own: controlling_process, deliver port, list mode with active.
pair_tests() ->
    {ok, L} = gen_tcp:listen(0, [{active, false}]),
    {ok, P} = inet:port(L),
    {ok, C} = gen_tcp:connect(?LO, P, [{active, true}, {deliver, port}]),
    {ok, A} = gen_tcp:accept(L),
    io:format("sockname/peername agree ~p~n", [inet:sockname(C) =:= inet:peername(A)]),
    ok = gen_tcp:send(A, "via port"),
    io:format("deliver port ~p~n", [strip(receive M -> M end, C)]),
    Self = self(),
    Other = spawn(fun() -> receive go -> ok end, receive {tcp, _, D} -> Self ! {other, D} end end),
    ok = gen_tcp:controlling_process(A, Other),
    io:format("not owner ~p~n", [gen_tcp:controlling_process(A, self())]),
    ok = inet:setopts(A, [{active, once}]),
    Other ! go,
    ok = gen_tcp:send(C, "to other"),
    io:format("other got ~p~n", [receive {other, D} -> D end]),
    ok = gen_tcp:close(C), ok = gen_tcp:close(A), ok = gen_tcp:close(L).

%% A connection to the echo server, which frames with {packet, N} from now on (so do we).
switch(Port, N, Opts) ->
    {ok, S} = gen_tcp:connect(?LO, Port, Opts),
    ok = gen_tcp:send(S, [<<"packet ">>, $0 + N]),
    ok = inet:setopts(S, [{packet, N}]),
    {ok, Ok} = gen_tcp:recv(S, 0),
    "ok" = if is_binary(Ok) -> binary_to_list(Ok); true -> Ok end,
    S.

%% Replaces the socket in a message by `sock`.
strip(M, S) when is_tuple(M) ->
    list_to_tuple([case E of S -> sock; _ when is_tuple(E) -> strip(E, S); _ -> E end || E <- tuple_to_list(M)]);
strip(M, _) -> M.

%% A booted system runs inet_db (kernel starts it); `beam --bare` does not, and gen_tcp and
%% gen_udp need its tables.
ensure_inet_db() ->
    case whereis(inet_db) of
        undefined -> {ok, _} = inet_db:start(), ok;
        _ -> ok
    end.
