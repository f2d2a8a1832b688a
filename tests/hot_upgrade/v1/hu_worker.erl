%% Version 1 of a module whose code a process keeps running (a local-call loop) and which
%% makes funs, for purging old code.
-module(hu_worker).
-vsn(1).
-export([start/0, make_fun/0, version/0]).

start() -> spawn(fun() -> loop(0) end).

make_fun() -> fun(X) -> {made_by_v1, X} end.

version() -> 1.

loop(N) ->
    receive
        {ask, From} -> From ! {worker, v1, N}, loop(N + 1);
        stop -> ok
    end.
