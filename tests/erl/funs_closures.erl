-module(funs_closures).
-export([main/0]).
%% make_fun3 / call_fun2: closures capturing variables, nested funs, funs returning funs.
main() ->
    A = 10, B = [x, y],
    F1 = fun(X) -> X + A end,
    erlang:display(F1(5)),
    F2 = fun(X, Y) -> {X, Y, A, B} end,
    erlang:display(F2(1, 2)),
    Adder = fun(N) -> fun(M) -> N + M end end,
    Add3 = Adder(3),
    erlang:display(Add3(4)),
    erlang:display(lists:map(Adder(100), [1, 2, 3])),
    Compose = fun(F, G) -> fun(X) -> G(F(X)) end end,
    erlang:display((Compose(fun(X) -> X * 2 end, fun(X) -> X + 1 end))(5)),
    Counter = make_counter(0),
    erlang:display(Counter(Counter(Counter(0)))),
    Z = fun() -> zero_arity end,
    erlang:display(Z()),
    erlang:display(erlang:fun_info(F1, arity)),
    erlang:display(erlang:fun_info(F1, type)),
    erlang:display(erlang:fun_info(F1, module)),
    erlang:display(erlang:fun_info(F1, name)),
    erlang:display(element(1, erlang:fun_info(F2, env))),
    erlang:display(length(element(2, erlang:fun_info(F2, env)))),
    erlang:display(is_function(F1)),
    erlang:display(is_function(F1, 1)),
    erlang:display(is_function(F1, 2)),
    erlang:display(F1 =:= F1),
    Funs = [fun(X) -> X * I end || I <- lists:seq(1, 5)],
    erlang:display([G(10) || G <- Funs]),
    erlang:display(fold_funs()),
    Big = fun(P1, P2, P3, P4, P5, P6) -> P1 + P2 + P3 + P4 + P5 + P6 + A end,
    erlang:display(Big(1, 2, 3, 4, 5, 6)).

make_counter(Step) -> fun(X) -> X + Step + 1 end.

fold_funs() ->
    lists:foldl(fun(F, Acc) -> F(Acc) end, 1,
                [fun(X) -> X + 1 end, fun(X) -> X * 10 end, fun(X) -> X - 3 end]).
