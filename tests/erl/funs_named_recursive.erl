-module(funs_named_recursive).
-export([main/0]).
%% Named (recursive) funs and Y-combinator style recursion.
main() ->
    Fact = fun F(0) -> 1; F(N) -> N * F(N - 1) end,
    erlang:display(Fact(25)),
    Fib = fun Fib(N) when N < 2 -> N; Fib(N) -> Fib(N - 1) + Fib(N - 2) end,
    erlang:display([Fib(I) || I <- lists:seq(0, 15)]),
    Len = fun L([]) -> 0; L([_ | T]) -> 1 + L(T) end,
    erlang:display(Len(lists:seq(1, 1000))),
    Y = fun(G) -> (fun(X) -> G(fun(V) -> (X(X))(V) end) end)(fun(X) -> G(fun(V) -> (X(X))(V) end) end) end,
    FactY = Y(fun(Self) -> fun(0) -> 1; (N) -> N * Self(N - 1) end end),
    erlang:display(FactY(10)),
    K = 3,
    Loop = fun Lp(0, Acc) -> Acc; Lp(N, Acc) -> Lp(N - 1, [N * K | Acc]) end,
    erlang:display(Loop(5, [])).
