-module(os_getenv).
-export([main/0]).
%% os:getenv of a variable set by the test harness (BEAM_DIFF_TEST_VAR), putenv/unsetenv.
main() ->
    erlang:display(os:getenv("BEAM_DIFF_TEST_VAR")),
    erlang:display(os:getenv("BEAM_DIFF_SURELY_UNSET_VAR")),
    erlang:display(os:getenv("BEAM_DIFF_SURELY_UNSET_VAR", "default")),
    erlang:display(os:putenv("BEAM_DIFF_NEW_VAR", "set in erlang")),
    erlang:display(os:getenv("BEAM_DIFF_NEW_VAR")),
    erlang:display(os:unsetenv("BEAM_DIFF_NEW_VAR")),
    erlang:display(os:getenv("BEAM_DIFF_NEW_VAR")),
    erlang:display(lists:member("BEAM_DIFF_TEST_VAR=hello from the harness", os:getenv())),
    erlang:display(os:type()).
