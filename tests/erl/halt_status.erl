-module(halt_status).
-export([main/0]).
%% expect_status: 3
%% erlang:halt/1 with a non-zero status; output before the halt must be flushed.
main() ->
    erlang:display(before_halt),
    erlang:display(lists:seq(1, 5)),
    erlang:halt(3),
    erlang:display(never_printed).
