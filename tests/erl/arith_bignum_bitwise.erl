-module(arith_bignum_bitwise).
-export([main/0, id/1]).
%% Bitwise ops on bignums including negatives (two's complement semantics).
id(X) -> X.
main() ->
    A = ?MODULE:id(1 bsl 100 + 16#FFFF),
    B = ?MODULE:id(-(1 bsl 90) - 12345),
    C = ?MODULE:id(16#123456789ABCDEF0123456789ABCDEF),
    erlang:display([A band B, A bor B, A bxor B]),
    erlang:display([bnot A, bnot B, bnot C]),
    erlang:display([A bsl 10, A bsr 10, B bsl 33, B bsr 33, B bsr 200, A bsr 200]),
    erlang:display([C band 16#FFFF, C bor -1, C bxor C, C band -C]),
    erlang:display([-1 band A, 0 bor B, B band 255, B bor 255]),
    erlang:display([(1 bsl 64) - 1 band -(1 bsl 32)]),
    erlang:display([X bsl 63 || X <- [1, -1, 3]]),
    erlang:display([C bsr N || N <- [0, 1, 63, 64, 65, 120, 121]]),
    erlang:display([(-C) bsr N || N <- [0, 1, 63, 64, 65, 120, 121, 500]]),
    erlang:display(popcount(C, 0)).

popcount(0, Acc) -> Acc;
popcount(N, Acc) -> popcount(N bsr 1, Acc + (N band 1)).
