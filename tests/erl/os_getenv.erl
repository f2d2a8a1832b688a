-module(os_getenv).
-export([main/0]).
%% os:getenv of a variable set by the test harness (BEAM_DIFF_TEST_VAR), putenv/unsetenv,
%% os:env/0.
main() ->
    erlang:display(os:getenv("BEAM_DIFF_TEST_VAR")),
    erlang:display(os:getenv("BEAM_DIFF_SURELY_UNSET_VAR")),
    erlang:display(os:getenv("BEAM_DIFF_SURELY_UNSET_VAR", "default")),
    erlang:display(os:putenv("BEAM_DIFF_NEW_VAR", "set in erlang")),
    erlang:display(os:getenv("BEAM_DIFF_NEW_VAR")),
    erlang:display(os:unsetenv("BEAM_DIFF_NEW_VAR")),
    erlang:display(os:getenv("BEAM_DIFF_NEW_VAR")),
    erlang:display(lists:member("BEAM_DIFF_TEST_VAR=hello from the harness", os:getenv())),
    erlang:display(lists:keyfind("BEAM_DIFF_TEST_VAR", 1, os:env())),
    erlang:display(length(os:env()) =:= length(os:getenv())),
    erlang:display(os:type()).
