-module(port_echo).
-export([main/0]).
%% 100,000 messages of 1 KB echoed through `cat` with {packet, 4}, 64 in flight at a time.
%% Prints the time of the exchange (measured inside the VM) in microseconds.
-define(N, 100000).
-define(WINDOW, 64).
main() ->
    P = open_port({spawn, "cat"}, [{packet, 4}, binary]),
    Msg = binary:copy(<<"0123456789abcdef">>, 64),
    T0 = erlang:monotonic_time(microsecond),
    ok = run(P, Msg, 0, 0),
    T1 = erlang:monotonic_time(microsecond),
    port_close(P),
    io:format("~p~n", [{port_echo, ?N, T1 - T0}]).

run(_P, _Msg, ?N, ?N) -> ok;
run(P, Msg, Sent, Got) when Sent < ?N, Sent - Got < ?WINDOW ->
    true = port_command(P, Msg),
    run(P, Msg, Sent + 1, Got);
run(P, Msg, Sent, Got) ->
    receive
        {P, {data, Msg}} -> run(P, Msg, Sent, Got + 1)
    after 10000 -> timeout
    end.
