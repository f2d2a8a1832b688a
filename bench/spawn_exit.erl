-module(spawn_exit).
-export([main/0]).
%% Spawn + exit of 1,000,000 processes (in waves of 10,000 so memory stays flat).
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Result = waves(100, 0),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
waves(0, N) -> N;
waves(W, N) ->
    Self = self(),
    [spawn(fun() -> Self ! done end) || _ <- lists:seq(1, 10000)],
    wait(10000),
    waves(W - 1, N + 10000).
wait(0) -> ok;
wait(N) -> receive done -> wait(N - 1) end.
