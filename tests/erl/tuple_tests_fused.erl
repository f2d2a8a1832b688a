-module(tuple_tests_fused).
-export([main/0]).
%% Tuple tests and element reads the loader fuses: `is_tuple` + `test_arity`, `is_tuple` +
%% `select_tuple_arity`, pairs of `get_tuple_element` of one tuple; each taken on its passing
%% and failing paths, with terms of every shape (and the same in a hot loop, machine code).
-record(r, {a, b, c}).
main() ->
    Vs = [{1, 2}, {1, 2, 3}, {}, {x}, [1, 2], <<1, 2>>, 7, #{a => 1}, #r{a = 1, b = 2, c = 3},
          {r, 1, 2}, {{1, 2}, {3, 4}}, make_tuple_4()],
    erlang:display([pair(V) || V <- Vs]),
    erlang:display([shape(V) || V <- Vs]),
    erlang:display([rec(V) || V <- Vs]),
    erlang:display([nested(V) || V <- Vs]),
    erlang:display([swap(V) || V <- Vs]),
    erlang:display(loop(20000, Vs, 0)).
make_tuple_4() -> list_to_tuple(lists:seq(1, 4)).
pair({A, B}) -> {B, A};
pair(_) -> no.
shape(T) when is_tuple(T) ->
    case T of
        {} -> zero;
        {A} -> {one, A};
        {A, B} -> {two, B, A};
        {A, _, C} -> {three, C, A};
        _ -> {many, tuple_size(T)}
    end;
shape(_) -> not_tuple.
rec(#r{a = A, c = C}) -> {A, C};
rec(_) -> none.
nested({{A, B}, {C, D}}) -> A * B + C * D;
nested({X, Y}) when is_integer(X), is_integer(Y) -> X - Y;
nested(_) -> other.
%% The tuple's register is overwritten by the second of a pair of reads.
swap(T) when tuple_size(T) =:= 2 ->
    T1 = element(2, T),
    T2 = element(1, T),
    [T1, T2];
swap(_) -> [].
loop(0, _, Acc) -> Acc;
loop(N, Vs, Acc) ->
    loop(N - 1, Vs, lists:foldl(fun(V, A) -> A + score(shape(V)) + score(rec(V)) end, Acc, Vs)).
score({two, _, _}) -> 1;
score({three, _, _}) -> 2;
score({_, _}) -> 3;
score(_) -> 0.
