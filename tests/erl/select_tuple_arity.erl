-module(select_tuple_arity).
-export([main/0]).
%% select_tuple_arity, is_tuple, test_arity, is_tagged_tuple, get_tuple_element.
main() ->
    Ts = [{}, {a}, {a, b}, {a, b, c}, {x, 1, 2, 3}, {ok, v}, {error, r}, {ok, 1, 2},
          list_to_tuple(lists:seq(1, 20)), notatuple, [a, b]],
    erlang:display([arity_name(T) || T <- Ts]),
    erlang:display([tagged(T) || T <- Ts]),
    erlang:display([sum_elems(T) || T <- [{1}, {1, 2}, {1, 2, 3}, {1, 2, 3, 4}]]),
    erlang:display(nested({point, {1, 2}, {3, 4}})),
    erlang:display(nested({circle, {0, 0}, 5})),
    erlang:display(nested({other})).

arity_name({}) -> zero;
arity_name({_}) -> one;
arity_name({_, _}) -> two;
arity_name({_, _, _}) -> three;
arity_name({_, _, _, _}) -> four;
arity_name(T) when is_tuple(T) -> {many, tuple_size(T)};
arity_name(_) -> not_tuple.

tagged({ok, V}) -> {value, V};
tagged({error, R}) -> {failed, R};
tagged({ok, A, B}) -> {two_values, A, B};
tagged(_) -> untagged.

sum_elems({A}) -> A;
sum_elems({A, B}) -> A + B;
sum_elems({A, B, C}) -> A + B + C;
sum_elems(T) -> lists:sum(tuple_to_list(T)).

nested({point, {X1, Y1}, {X2, Y2}}) -> {dx, X2 - X1, dy, Y2 - Y1};
nested({circle, {_, _}, R}) -> {area_approx, 3 * R * R};
nested(_) -> unknown.
