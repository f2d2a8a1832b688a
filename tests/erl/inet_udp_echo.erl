%% gen_udp on loopback: open, send, passive recv, active true/once/N, connect, options,
%% and inet:gethostname/0 (which opens a udp_inet port). Nothing printed depends on port
%% numbers or timing.
-module(inet_udp_echo).
-export([main/0]).

-define(LO, {127,0,0,1}).

main() ->
    ensure_inet_db(),
    {ok, Host} = inet:gethostname(),
    {ok, Real} = file:read_file("/proc/sys/kernel/hostname"),
    io:format("gethostname is the kernel's ~p~n", [Host =:= string:trim(binary_to_list(Real))]),
    {ok, A} = gen_udp:open(0, [binary, {active, false}]),
    {ok, B} = gen_udp:open(0, [{active, false}]),
    {ok, PA} = inet:port(A),
    {ok, PB} = inet:port(B),
    io:format("opts ~p~n", [inet:getopts(A, [active, mode, read_packets, header])]),
    ok = gen_udp:send(A, ?LO, PB, <<"to b">>),
    {ok, {FromIp, FromPort, Data}} = gen_udp:recv(B, 0, 1000),
    io:format("b got ~p from ~p, port matches ~p~n", [Data, FromIp, FromPort =:= PA]),
    ok = gen_udp:send(B, ?LO, PA, "to a"),
    {ok, {_, _, Data2}} = gen_udp:recv(A, 0, 1000),
    io:format("a got ~p~n", [Data2]),
    io:format("timeout ~p~n", [gen_udp:recv(A, 0, 20)]),
    ok = inet:setopts(A, [{active, true}]),
    ok = gen_udp:send(B, ?LO, PA, "active"),
    io:format("active ~p~n", [recv_one(A, PB)]),
    ok = inet:setopts(A, [{active, once}]),
    ok = gen_udp:send(B, ?LO, PA, "once"),
    io:format("once ~p ~p~n", [recv_one(A, PB), inet:getopts(A, [active])]),
    ok = inet:setopts(A, [{active, 2}]),
    [ok = gen_udp:send(B, ?LO, PA, [I]) || I <- "xy"],
    io:format("n ~p ~p ~p~n", [recv_one(A, PB), recv_one(A, PB), recv_one(A, PB)]),
    ok = inet:setopts(A, [{active, false}]),
    ok = gen_udp:connect(B, ?LO, PA),
    ok = gen_udp:send(B, "connected"),
    io:format("connected send ~p~n", [element(3, element(2, gen_udp:recv(A, 0, 1000)))]),
    io:format("peer ~p~n", [element(1, element(2, inet:peername(B)))]),
    %% many datagrams
    [ok = gen_udp:send(B, <<I:16>>) || I <- lists:seq(1, 10)],
    Got = [begin {ok, {_, _, <<I:16>>}} = gen_udp:recv(A, 0, 1000), I end || _ <- lists:seq(1, 10)],
    io:format("10 datagrams in order ~p~n", [Got =:= lists:seq(1, 10)]),
    ok = gen_udp:close(A),
    ok = gen_udp:close(B),
    io:format("closed send ~p~n", [gen_udp:send(A, ?LO, PB, "x")]),
    io:format("done~n").

recv_one(S, PB) ->
    receive
        {udp, S, Ip, PB, D} -> {udp, Ip, D};
        {udp_passive, S} -> udp_passive;
        Other -> {unexpected, Other}
    after 2000 -> timeout
    end.

%% A booted system runs inet_db (kernel starts it); `beam --bare` does not, and gen_tcp and
%% gen_udp need its tables.
ensure_inet_db() ->
    case whereis(inet_db) of
        undefined -> {ok, _} = inet_db:start(), ok;
        _ -> ok
    end.
