-module(nif_send).
-export([main/0]).
%% 1,000,000 messages sent with enif_send by a created thread (no caller environment) and
%% received by one process, in order. Prints the time from starting the thread to receiving
%% the last message (measured inside the VM) in microseconds.
-define(N, 1000000).
main() ->
    T0 = erlang:monotonic_time(microsecond),
    ok = nif_bench:stream_start(self(), ?N),
    ok = loop(0),
    T1 = erlang:monotonic_time(microsecond),
    ok = nif_bench:stream_join(),
    io:format("~p~n", [{nif_send, ?N, T1 - T0}]).

loop(?N) -> ok;
loop(K) ->
    receive
        {n, K} -> loop(K + 1)
    end.
