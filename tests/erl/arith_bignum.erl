-module(arith_bignum).
-export([main/0, id/1]).
%% Bignum arithmetic: factorials, powers, division with signs, mixed small/big.
id(X) -> X.
main() ->
    F100 = fact(100),
    erlang:display(F100),
    erlang:display(F100 div fact(98)),
    erlang:display(F100 rem 1000000007),
    erlang:display(-F100 div 7),
    erlang:display(-F100 rem 7),
    erlang:display(F100 div -fact(50)),
    erlang:display(pow(2, 200)),
    erlang:display(pow(-3, 101)),
    erlang:display(pow(10, 40) - 1),
    erlang:display(pow(2, 64) * pow(2, 64) - pow(2, 128)),
    B = pow(2, 100) + 12345,
    erlang:display([B + 1, B - B, B * -1, B div 3, B rem 3, -B]),
    erlang:display(fib(300)),
    erlang:display(gcd(fact(40), pow(6, 30))),
    erlang:display(abs(-pow(7, 30))),
    erlang:display(pow(2, 64) div pow(2, 32)),
    erlang:display(pow(2, 64) div 3 * 3 + pow(2, 64) rem 3 =:= pow(2, 64)),
    erlang:display(?MODULE:id(pow(2, 60)) - 1),
    erlang:display(?MODULE:id(pow(2, 60)) - pow(2, 60)),
    erlang:display(max(pow(2, 70), pow(2, 69))),
    erlang:display(lists:sum([pow(3, I) || I <- lists:seq(1, 100)])).

fact(0) -> 1;
fact(N) -> N * fact(N - 1).
pow(_, 0) -> 1;
pow(B, E) -> B * pow(B, E - 1).
fib(N) -> fib(N, 0, 1).
fib(0, A, _) -> A;
fib(N, A, B) -> fib(N - 1, B, A + B).
gcd(A, 0) -> A;
gcd(A, B) -> gcd(B, A rem B).
