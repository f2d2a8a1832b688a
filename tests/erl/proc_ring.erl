-module(proc_ring).
-export([main/0]).
%% A ring of 10,000 processes passing a token 100 laps; the token counts hops.
main() ->
    N = 10000, Laps = 100,
    Self = self(),
    First = spawn(fun() -> first(Self) end),
    Last = lists:foldl(fun(_, Next) -> spawn(fun() -> relay(Next) end) end, First, lists:seq(2, N)),
    First ! {next, Last},
    Last ! {token, 0, N * Laps},
    receive {done, Hops} -> erlang:display({hops, Hops}) end,
    erlang:display(ok).

first(Parent) ->
    receive {next, Next} -> relay_first(Next, Parent) end.

relay_first(Next, Parent) ->
    receive
        {token, Hops, Left} when Left =< 1 -> Parent ! {done, Hops + 1}, stop(Next);
        {token, Hops, Left} -> Next ! {token, Hops + 1, Left - 1}, relay_first(Next, Parent)
    end.

relay(Next) ->
    receive
        stop -> Next ! stop;
        {token, Hops, Left} when Left =< 1 -> Next ! {token, Hops, Left}, relay(Next);
        {token, Hops, Left} -> Next ! {token, Hops + 1, Left - 1}, relay(Next)
    end.

stop(Next) -> Next ! stop.
