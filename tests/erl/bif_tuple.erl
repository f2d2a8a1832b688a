-module(bif_tuple).
-export([main/0]).
%% Tuple BIFs.
main() ->
    T = {a, b, c, d},
    erlang:display([element(I, T) || I <- [1, 2, 3, 4]]),
    erlang:display(setelement(2, T, x)),
    erlang:display(setelement(4, setelement(1, T, first), last)),
    erlang:display(tuple_size(T)),
    erlang:display(size(T)),
    erlang:display(erlang:make_tuple(3, z)),
    erlang:display(erlang:make_tuple(5, 0, [{2, a}, {4, b}, {2, c}])),
    erlang:display(erlang:append_element(T, e)),
    erlang:display(erlang:insert_element(1, T, new)),
    erlang:display(erlang:insert_element(5, T, new)),
    erlang:display(erlang:delete_element(2, T)),
    erlang:display(erlang:delete_element(1, {only})),
    erlang:display(tuple_to_list(erlang:make_tuple(0, x))),
    Big = list_to_tuple(lists:seq(1, 1000)),
    erlang:display(element(1000, Big)),
    erlang:display(tuple_size(setelement(500, Big, x))),
    erlang:display(element(500, setelement(500, Big, x))),
    erlang:display([try element(I, T) catch error:R -> R end || I <- [0, 5, a]]),
    erlang:display(try erlang:insert_element(6, T, x) catch error:R2 -> R2 end),
    erlang:display(try erlang:delete_element(1, {}) catch error:R3 -> R3 end),
    erlang:display({1, {2, {3, {}}}}),
    erlang:display({[], "", <<>>, #{}}).
