#!/usr/bin/env escript
%% An exception out of main/1: escript reports it on stderr and exits with 127.
main(Args) ->
    io:format("before~n"),
    divide(length(Args), 0).

divide(A, B) -> A div B.
