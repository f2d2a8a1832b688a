-module(ring).
-export([main/0]).
%% A ring of 10,000 processes passing a token 1000 laps (10M messages).
main() ->
    T0 = erlang:monotonic_time(microsecond),
    Result = run(),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).
run() ->
    N = 10000, Laps = 1000, Self = self(),
    First = spawn(fun() -> receive {next, Next} -> hop(Next, Self) end end),
    Last = lists:foldl(fun(_, Next) -> spawn(fun() -> relay(Next) end) end, First, lists:seq(2, N)),
    First ! {next, Last},
    Last ! N * Laps,
    receive finished -> finished end.
hop(Next, Parent) ->
    receive
        0 -> Parent ! finished, Next ! stop;
        K -> Next ! K - 1, hop(Next, Parent)
    end.
relay(Next) ->
    receive
        stop -> Next ! stop;
        0 -> Next ! 0, relay(Next);
        K -> Next ! K - 1, relay(Next)
    end.
