-module(select_val_dispatch).
-export([main/0]).
%% select_val on integers (dense and sparse) and atoms; is_eq_exact chains.
main() ->
    erlang:display([dense(I) || I <- lists:seq(-2, 12)]),
    erlang:display([sparse(I) || I <- [1, 100, 1000, 65535, 1 bsl 40, -7, 5]]),
    erlang:display([atoms(A) || A <- [red, green, blue, yellow, 'Red', 1]]),
    erlang:display([mixed(X) || X <- [0, a, 1.0, 1, [], {}, "s", <<"b">>]]),
    erlang:display([floats(X) || X <- [1.0, 2.5, 1, -0.0, 0.0]]),
    erlang:display([big(X) || X <- [1 bsl 64, (1 bsl 64) + 1, -(1 bsl 70)]]).

dense(0) -> zero; dense(1) -> one; dense(2) -> two; dense(3) -> three;
dense(4) -> four; dense(5) -> five; dense(6) -> six; dense(7) -> seven;
dense(8) -> eight; dense(9) -> nine; dense(10) -> ten; dense(_) -> other.

sparse(1) -> a; sparse(100) -> b; sparse(1000) -> c; sparse(65535) -> d;
sparse(1099511627776) -> e; sparse(-7) -> f; sparse(_) -> none.

atoms(red) -> 1; atoms(green) -> 2; atoms(blue) -> 3; atoms(yellow) -> 4;
atoms(_) -> 0.

mixed(0) -> int0; mixed(a) -> atom_a; mixed(1.0) -> float1; mixed([]) -> nil;
mixed({}) -> empty_tuple; mixed("s") -> string_s; mixed(<<"b">>) -> bin_b;
mixed(_) -> unknown.

floats(1.0) -> one_float; floats(2.5) -> two_half; floats(0.0) -> zero_float;
floats(_) -> other.

big(18446744073709551616) -> two64;
big(-1180591620717411303424) -> neg_two70;
big(_) -> other.
