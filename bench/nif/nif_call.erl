-module(nif_call).
-export([main/0]).
%% 10,000,000 calls of a trivial NIF (returns its argument). Prints the time (measured inside
%% the VM) in microseconds.
-define(N, 10000000).
main() ->
    _ = nif_bench:trivial(0),
    T0 = erlang:monotonic_time(microsecond),
    ok = loop(?N),
    T1 = erlang:monotonic_time(microsecond),
    io:format("~p~n", [{nif_call, ?N, T1 - T0}]).

loop(0) -> ok;
loop(K) ->
    K = nif_bench:trivial(K),
    loop(K - 1).
