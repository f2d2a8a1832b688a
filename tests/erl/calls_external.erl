-module(calls_external).
-export([main/0, twice/1, tail_ext/2]).
%% External calls (call_ext, call_ext_last, call_ext_only) to own module and others.
main() ->
    erlang:display(?MODULE:twice(21)),
    erlang:display(calls_external:tail_ext(5, [])),
    erlang:display(lists:reverse([1, 2, 3])),
    erlang:display(erlang:length([a, b])),
    erlang:display(lists:seq(1, 10, 3)),
    erlang:display(ext_in_tail(7)),
    erlang:display(ext_body(7)),
    erlang:display(lists:max([3, 9, 2])),
    erlang:display(lists:foldl(fun erlang:'+'/2, 0, [1, 2, 3])).

twice(X) -> 2 * X.

tail_ext(0, Acc) -> Acc;
tail_ext(N, Acc) -> ?MODULE:tail_ext(N - 1, [N | Acc]).

ext_in_tail(X) -> lists:duplicate(X, x).
ext_body(X) -> {lists:duplicate(X, y), done}.
