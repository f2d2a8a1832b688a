#!/usr/bin/env escript
%% An interpreted script: arguments, local functions, funs, maps, formatted output; the
%% exit status comes from the first argument through halt/1.
main([Status | Rest]) ->
    io:format("args: ~p~n", [Rest]),
    io:format("fib: ~w~n", [[fib(N) || N <- lists:seq(0, 15)]]),
    Count = fun(W, M) -> maps:update_with(W, fun(C) -> C + 1 end, 1, M) end,
    Words = string:lexemes("the cat and the hat and the bat", " "),
    io:format("counts: ~p~n", [lists:sort(maps:to_list(lists:foldl(Count, #{}, Words)))]),
    io:format("~s~n", [lists:flatten(io_lib:format("~8.3f|~-6s|~.16b", [math:pi(), "ab", 255]))]),
    halt(list_to_integer(Status)).

fib(0) -> 0;
fib(1) -> 1;
fib(N) -> fib(N - 1) + fib(N - 2).
