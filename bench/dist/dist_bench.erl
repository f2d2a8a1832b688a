%% Distribution between two nodes of the same runtime (bench/dist.sh): the driver times, in
%% the VM, message round trips to a process on the peer, one-way messages to it (until it
%% reports the count), and rpc:call. Prints {Name, Count, Microseconds} per measure.
-module(dist_bench).
-export([peer/0, main/1]).

-define(RTT, 20000).
-define(ONE_WAY, 200000).
-define(RPC, 5000).

%% On the peer: an echo process and a counter, registered.
peer() ->
    register(echo, spawn(fun echo/0)),
    register(counter, spawn(fun() -> count(0) end)),
    receive never -> ok after 120000 -> halt() end.

echo() ->
    receive {From, M} -> From ! M, echo() end.

count(N) ->
    receive
        {report, From} -> From ! {count, N}, count(0);
        _ -> count(N + 1)
    end.

main([PeerName]) ->
    [_, Host] = string:split(atom_to_list(node()), "@"),
    Peer = list_to_atom(atom_to_list(PeerName) ++ "@" ++ Host),
    wait(Peer, 200),
    Echo = rpc:call(Peer, erlang, whereis, [echo]),
    Counter = rpc:call(Peer, erlang, whereis, [counter]),
    report(rtt, ?RTT, time(fun() -> rtt(Echo, ?RTT) end)),
    Payload = binary:copy(<<"x">>, 64),
    report(one_way, ?ONE_WAY, time(fun() ->
        [Counter ! {I, Payload} || I <- lists:seq(1, ?ONE_WAY)],
        Counter ! {report, self()},
        receive {count, ?ONE_WAY} -> ok end
    end)),
    report(rpc_call, ?RPC, time(fun() ->
        [rpc:call(Peer, erlang, abs, [-I]) || I <- lists:seq(1, ?RPC)]
    end)),
    rpc:cast(Peer, erlang, halt, []),
    halt().

wait(_, 0) -> halt(2);
wait(Peer, N) ->
    case net_adm:ping(Peer) of
        pong -> ok;
        pang -> timer:sleep(50), wait(Peer, N - 1)
    end.

rtt(_, 0) -> ok;
rtt(Echo, N) ->
    Echo ! {self(), N},
    receive N -> rtt(Echo, N - 1) end.

time(F) ->
    T0 = erlang:monotonic_time(microsecond),
    F(),
    erlang:monotonic_time(microsecond) - T0.

report(Name, Count, Us) -> io:format("{~p,~p,~p}~n", [Name, Count, Us]).
