-module(gb_sets_module).
-export([main/0]).
%% gb_sets: construction, set algebra, iteration, smallest/largest.
main() ->
    S = gb_sets:from_list([7, 3, 9, 1, 3]),
    erlang:display(gb_sets:to_list(S)),
    erlang:display(gb_sets:size(S)),
    erlang:display(gb_sets:is_member(9, S)),
    erlang:display(gb_sets:to_list(gb_sets:add(4, S))),
    erlang:display(gb_sets:to_list(gb_sets:delete_any(42, S))),
    erlang:display(gb_sets:to_list(gb_sets:union(S, gb_sets:from_list([2, 4])))),
    erlang:display(gb_sets:to_list(gb_sets:intersection(S, gb_sets:from_list([1, 9, 10])))),
    erlang:display(gb_sets:to_list(gb_sets:difference(S, gb_sets:from_list([1])))),
    erlang:display({gb_sets:smallest(S), gb_sets:largest(S)}),
    erlang:display(gb_sets:to_list(gb_sets:filter(fun(X) -> X > 3 end, S))),
    erlang:display(gb_sets:fold(fun(X, A) -> [X | A] end, [], S)),
    erlang:display(gb_sets:is_subset(gb_sets:from_list([1, 3]), S)),
    erlang:display(S),
    erlang:display(gb_sets:next(gb_sets:iterator(S))  =/= none),
    erlang:display(gb_sets:to_list(gb_sets:from_ordset([1, 2, 3]))).
