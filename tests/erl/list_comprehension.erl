-module(list_comprehension).
-export([main/0]).
%% List comprehensions: generators, filters, patterns in generators, nesting.
main() ->
    erlang:display([X * 2 || X <- [1, 2, 3]]),
    erlang:display([{X, Y} || X <- [1, 2, 3], Y <- [a, b]]),
    erlang:display([X || X <- lists:seq(1, 30), X rem 3 =:= 0, X rem 2 =:= 0]),
    erlang:display([V || {ok, V} <- [{ok, 1}, error, {ok, 2}, {error, x}, {ok, 3}]]),
    erlang:display([{X, Y, Z} || X <- lists:seq(1, 20), Y <- lists:seq(X, 20), Z <- lists:seq(Y, 20),
                                 X * X + Y * Y =:= Z * Z]),
    erlang:display([[Y || Y <- lists:seq(1, X)] || X <- lists:seq(1, 4)]),
    erlang:display(qsort([5, 3, 8, 1, 9, 2, 7])),
    erlang:display(perms([a, b, c])),
    erlang:display([X || X <- [1, a, 2.0, "s", b], is_atom(X)]),
    erlang:display([X || <<X>> <= <<1, 2, 3>>]),
    erlang:display(length([x || _ <- lists:seq(1, 10000)])),
    Y0 = 5,
    erlang:display([X + Y0 || X <- [1, 2]]),
    erlang:display([X || X <- [], true]),
    erlang:display([true || false]),
    erlang:display([ok || true]).

qsort([]) -> [];
qsort([P | T]) -> qsort([X || X <- T, X < P]) ++ [P] ++ qsort([X || X <- T, X >= P]).

perms([]) -> [[]];
perms(L) -> [[H | T] || H <- L, T <- perms(L -- [H])].
