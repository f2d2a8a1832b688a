-module(tuple_large_ops).
-export([main/0]).
%% Large tuples as arrays: build, update in loops (setelement chains), compare and hash.
main() ->
    T0 = erlang:make_tuple(1000, 0),
    T1 = lists:foldl(fun(I, T) -> setelement(I, T, I * 2) end, T0, lists:seq(1, 1000)),
    erlang:display(element(1000, T1)),
    erlang:display(lists:sum(tuple_to_list(T1))),
    T2 = setelement(1, setelement(2, setelement(3, T1, c), b), a),
    erlang:display(lists:sublist(tuple_to_list(T2), 5)),
    erlang:display(T1 < T2),
    erlang:display(erlang:phash2(T1)),
    erlang:display(tuple_size(list_to_tuple(lists:seq(1, 100000)))),
    erlang:display(erlang:append_element(list_to_tuple(lists:seq(1, 5)), six)),
    erlang:display(catch_size(fun() -> erlang:make_tuple(16#1000000, x) end)).

catch_size(F) -> try tuple_size(F()) catch error:R -> R end.
