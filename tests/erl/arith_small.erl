-module(arith_small).
-export([main/0, id/1]).
%% Small-integer arithmetic and bitwise ops; overflow into bignums at the 60-bit boundary.
id(X) -> X.
main() ->
    A = ?MODULE:id(17), B = ?MODULE:id(-5),
    erlang:display([A + B, A - B, A * B, A div B, A rem B, B div A, B rem A, -A, +B]),
    erlang:display([A band B, A bor B, A bxor B, bnot A, bnot B, A bsl 3, A bsr 2, B bsr 1, B bsl 4]),
    erlang:display([A bsl -2, A bsr -2, 1 bsl 59, 1 bsl 60, -1 bsl 60, (1 bsl 59) - 1 + ?MODULE:id(1)]),
    Max = ?MODULE:id(576460752303423487), Min = ?MODULE:id(-576460752303423488),
    erlang:display([Max + 1, Min - 1, Max * 2, Min * -1, -Min, Max * Max]),
    erlang:display([Max + 1 - 1 =:= Max, is_integer(Max + 1)]),
    erlang:display([X div Y || X <- [7, -7], Y <- [2, -2]]),
    erlang:display([X rem Y || X <- [7, -7], Y <- [2, -2]]),
    erlang:display([abs(B), abs(A), max(A, B), min(A, B)]),
    erlang:display(lists:foldl(fun(X, Acc) -> Acc * 3 + X end, 0, lists:seq(1, 50))),
    erlang:display(1 bsl 0),
    erlang:display(-1 bsr 100),
    erlang:display(12345 bsr 64),
    erlang:display([-8 band 7, -8 bor 7, -8 bxor 7]),
    erlang:display(?MODULE:id(1000000) * ?MODULE:id(1000000) * ?MODULE:id(1000000)).
