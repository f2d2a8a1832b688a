-module(uncaught_error).
-export([main/0]).
%% expect_status: 1
%% An uncaught exception in the start function: exit status 1 (the error report is not compared).
main() ->
    erlang:display(before_error),
    Result = compute(erlang:phash2(x)),
    erlang:display({never_printed, Result}).

compute(X) -> erlang:error({deliberate_failure, X rem 1}).
