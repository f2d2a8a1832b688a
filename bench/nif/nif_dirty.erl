-module(nif_dirty).
-export([main/0]).
%% 100,000 calls of a dirty CPU-bound NIF (ERL_NIF_DIRTY_JOB_CPU_BOUND). Prints the time
%% (measured inside the VM) in microseconds.
-define(N, 100000).
main() ->
    1 = nif_bench:dirty_inc(0),
    T0 = erlang:monotonic_time(microsecond),
    ok = loop(?N),
    T1 = erlang:monotonic_time(microsecond),
    io:format("~p~n", [{nif_dirty, ?N, T1 - T0}]).

loop(0) -> ok;
loop(K) ->
    R = nif_bench:dirty_inc(K),
    R = K + 1,
    loop(K - 1).
