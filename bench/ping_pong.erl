-module(ping_pong).
-export([main/0]).
%% 1,000,000 round trips between two processes.
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Pong = spawn(fun pong/0),
    Result = ping(Pong, 1000000),
    T1 = erlang:monotonic_time(microsecond),
    Pong ! stop,
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
pong() -> receive {ping, F} -> F ! pong, pong(); stop -> ok end.
ping(_, 0) -> done;
ping(P, N) -> P ! {ping, self()}, receive pong -> ping(P, N - 1) end.
