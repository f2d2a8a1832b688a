-module(array_module).
-export([main/0]).
%% array: fixed/extendible arrays, default values, sparse operations, folds.
main() ->
    A0 = array:new(10),
    A1 = array:set(3, three, A0),
    erlang:display(array:get(3, A1)),
    erlang:display(array:get(4, A1)),
    erlang:display(array:size(A1)),
    erlang:display(array:to_list(A1)),
    erlang:display(array:sparse_to_orddict(A1)),
    A2 = array:new([{default, 0}]),
    A3 = array:set(100, x, A2),
    erlang:display(array:size(A3)),
    erlang:display(array:get(50, A3)),
    erlang:display(array:sparse_size(A3)),
    A4 = array:from_list(lists:seq(1, 20)),
    erlang:display(array:foldl(fun(_, V, Acc) -> V + Acc end, 0, A4)),
    erlang:display(array:to_list(array:map(fun(I, V) -> I * V end, A4))),
    erlang:display(array:foldr(fun(I, _, Acc) -> [I | Acc] end, [], array:from_list([a, b, c]))),
    erlang:display(array:is_fix(array:fix(A4))),
    erlang:display(try array:set(25, x, array:fix(A4)) catch error:R -> R end),
    erlang:display(array:to_orddict(array:resize(3, A4))),
    erlang:display(array:from_list([a, b])),
    Big = lists:foldl(fun(I, A) -> array:set(I, I * I, A) end, array:new(), lists:seq(0, 5000)),
    erlang:display(array:get(4321, Big)),
    erlang:display(array:size(Big)).
