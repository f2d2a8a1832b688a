-module(arith_mixed_compare).
-export([main/0, id/1]).
%% Comparisons between integers, bignums and floats: ==, =:=, <, exactness, max/min.
id(X) -> X.
main() ->
    One = ?MODULE:id(1), OneF = ?MODULE:id(1.0),
    erlang:display([One == OneF, One =:= OneF, One /= OneF, One =/= OneF, One < OneF, One > OneF]),
    Big = ?MODULE:id(1 bsl 53), BigF = ?MODULE:id(9007199254740992.0),
    erlang:display([Big == BigF, Big + 1 == BigF, Big + 1 > BigF, Big - 1 < BigF]),
    Huge = ?MODULE:id(1 bsl 1030),
    erlang:display([Huge > 1.0e308, -Huge < -1.0e308, Huge > 1 bsl 1029]),
    erlang:display([max(1, 1.0), max(1.0, 1), min(1, 1.0), min(1.0, 1)]),
    erlang:display(lists:sort([3, 2.0, 1, 2, 1.0, 3.5, -1, 1 bsl 64, -(1 bsl 64), 0.0, 0])),
    erlang:display(lists:usort([1, 1.0, 2, 2.0])),
    erlang:display([0.0 == -0.0, 0.0 =:= -0.0, 0 == 0.0]),
    erlang:display([X < Y || X <- [1, 1.5, 1 bsl 70], Y <- [1.0, 2, 1.0e30]]),
    erlang:display(lists:max([1, 1.0])),
    erlang:display(lists:min([1.0, 1])).
