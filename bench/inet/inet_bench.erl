%% Loopback TCP timed inside the VM: echo round trips per second ({packet, 4}, passive, one
%% client) and bulk throughput (64 KB sends, the reader in {active, once}).
-module(inet_bench).
-export([main/0]).

-define(LO, {127,0,0,1}).

main() ->
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {packet, 4}]),
    {ok, P} = inet:port(L),
    spawn_link(fun() -> {ok, S} = gen_tcp:accept(L), echo(S) end),
    {ok, C} = gen_tcp:connect(?LO, P, [binary, {active, false}, {packet, 4}, {nodelay, true}]),
    N = 20000,
    T0 = erlang:monotonic_time(microsecond),
    [begin ok = gen_tcp:send(C, <<"ping">>), {ok, <<"ping">>} = gen_tcp:recv(C, 0) end || _ <- lists:seq(1, N)],
    T1 = erlang:monotonic_time(microsecond),
    io:format("{echo_rtt,~p,~p}~n", [N, T1 - T0]),
    gen_tcp:close(C),
    {ok, L2} = gen_tcp:listen(0, [binary, {active, false}]),
    {ok, P2} = inet:port(L2),
    Total = 200 * 1024 * 1024,
    Self = self(),
    spawn_link(fun() -> {ok, S} = gen_tcp:accept(L2), Self ! {done, drain(S, Total)} end),
    {ok, W} = gen_tcp:connect(?LO, P2, [binary, {active, false}]),
    Chunk = binary:copy(<<"x">>, 65536),
    T2 = erlang:monotonic_time(microsecond),
    [ok = gen_tcp:send(W, Chunk) || _ <- lists:seq(1, Total div 65536)],
    receive {done, ok} -> ok end,
    T3 = erlang:monotonic_time(microsecond),
    io:format("{bulk_mb,~p,~p}~n", [Total div (1024 * 1024), T3 - T2]),
    halt().

echo(S) ->
    case gen_tcp:recv(S, 0) of
        {ok, D} -> ok = gen_tcp:send(S, D), echo(S);
        {error, closed} -> ok
    end.

drain(_S, Left) when Left =< 0 -> ok;
drain(S, Left) ->
    ok = inet:setopts(S, [{active, once}]),
    receive {tcp, S, D} -> drain(S, Left - byte_size(D)) end.
