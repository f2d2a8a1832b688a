%% Version 2 of hu_worker: the loop and the fun answer differently.
-module(hu_worker).
-vsn(2).
-export([start/0, make_fun/0, version/0]).

start() -> spawn(fun() -> loop(100) end).

make_fun() -> fun(X) -> {made_by_v2, X, X} end.

version() -> 2.

loop(N) ->
    receive
        {ask, From} -> From ! {worker, v2, N}, loop(N + 1);
        stop -> ok
    end.
