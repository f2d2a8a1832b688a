#!/usr/bin/env escript
%% A script compiled before it runs (-mode(compile)), with a record and a macro.
-mode(compile).
-record(acc, {sum = 0, n = 0}).
-define(SQUARE(X), ((X) * (X))).

main(Args) ->
    A = lists:foldl(fun(X, #acc{sum = S, n = N}) -> #acc{sum = S + ?SQUARE(X), n = N + 1} end,
                    #acc{}, [list_to_integer(X) || X <- Args]),
    io:format("~p squares sum to ~p~n", [A#acc.n, A#acc.sum]),
    {current_function, {M, _, _}} = process_info(self(), current_function),
    io:format("running in a compiled module: ~p~n", [M =/= erl_eval]),
    io:format("module: ~p~n", [?MODULE]).
