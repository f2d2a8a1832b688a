-module(ping_pong).
-export([main/0]).
%% 1,000,000 round trips between two processes.
main() ->
    Pong = spawn(fun pong/0),
    erlang:display(ping(Pong, 1000000)),
    Pong ! stop.
pong() -> receive {ping, F} -> F ! pong, pong(); stop -> ok end.
ping(_, 0) -> done;
ping(P, N) -> P ! {ping, self()}, receive pong -> ping(P, N - 1) end.
