-module(port_spawn).
-export([main/0]).
%% Spawning and closing 2,000 port programs, one after another: each `cat` is opened, echoes
%% one line, and is closed. Prints the time (measured inside the VM) in microseconds.
-define(N, 2000).
main() ->
    T0 = erlang:monotonic_time(microsecond),
    ok = loop(?N),
    T1 = erlang:monotonic_time(microsecond),
    io:format("~p~n", [{port_spawn, ?N, T1 - T0}]).

loop(0) -> ok;
loop(K) ->
    P = open_port({spawn, "cat"}, [binary]),
    true = port_command(P, <<"x\n">>),
    receive {P, {data, <<"x\n">>}} -> ok after 10000 -> exit(timeout) end,
    port_close(P),
    loop(K - 1).
