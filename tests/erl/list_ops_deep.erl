-module(list_ops_deep).
-export([main/0]).
%% Long and deep lists: append chains, flatten, reverse of 1M elements, improper tails, nested lists.
main() ->
    L = lists:seq(1, 1000000),
    erlang:display(lists:sum(lists:reverse(L))),
    erlang:display(length(L ++ L)),
    Deep = lists:foldl(fun(I, Acc) -> [Acc, [I]] end, [], lists:seq(1, 50000)),
    erlang:display(length(lists:flatten(Deep))),
    erlang:display(lists:last(lists:flatten(Deep))),
    Nested = nest(1000),
    erlang:display(depth(Nested, 0)),
    erlang:display(length(lists:append([lists:seq(1, I) || I <- lists:seq(1, 300)]))),
    erlang:display(lists:nthtail(999990, L)),
    erlang:display(length([X || X <- L, X rem 1000 =:= 0])),
    erlang:display(catch_len([1, 2 | three])).

nest(0) -> [];
nest(N) -> [nest(N - 1)].
depth([], D) -> D;
depth([X], D) -> depth(X, D + 1).
catch_len(L) -> try length(L) catch error:R -> R end.
