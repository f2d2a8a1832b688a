#!/usr/bin/env escript
-mode(compile).
%% An exception out of a compiled main/1: {badmatch, ...}.
main(Args) ->
    io:format("compiled before~n"),
    {ok, _} = lookup(Args),
    ok.

lookup(Args) -> {error, {not_found, Args}}.
