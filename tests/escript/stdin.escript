#!/usr/bin/env escript
%% Reads standard input to its end: numbers the lines, upper-cases them, sums the numbers.
main(_) ->
    loop(1, 0).

loop(N, Sum) ->
    case io:get_line("") of
        eof ->
            io:format("~p lines, sum ~p~n", [N - 1, Sum]);
        Line ->
            Text = string:trim(Line),
            io:format("~3w: ~s~n", [N, string:uppercase(Text)]),
            loop(N + 1, Sum + case string:to_integer(Text) of {I, _} when is_integer(I) -> I; _ -> 0 end)
    end.
