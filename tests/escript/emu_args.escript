#!/usr/bin/env escript
%% -*- erlang -*-
%%! -myflag one two -kernel my_key my_value +A 3
%% The third line gives the emulator its arguments.
main(_) ->
    io:format("~p~n", [init:get_argument(myflag)]),
    io:format("~p~n", [application:get_env(kernel, my_key)]),
    io:format("~p~n", [lists:last(init:get_plain_arguments())]).
