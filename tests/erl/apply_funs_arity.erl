-module(apply_funs_arity).
-export([main/0, id/1, f0/0, f5/5]).
%% Calling funs and external functions of many arities, through apply and fun variables.
id(X) -> X.
f0() -> zero.
f5(A, B, C, D, E) -> [A, B, C, D, E].
main() ->
    erlang:display(apply(?MODULE, f0, [])),
    erlang:display(apply(?MODULE, f5, [1, 2, 3, 4, 5])),
    erlang:display(apply(fun ?MODULE:f5/5, [a, b, c, d, e])),
    F = fun(A, B, C, D, E, F, G, H, I, J) -> A + B + C + D + E + F + G + H + I + J end,
    erlang:display(apply(F, lists:seq(1, 10))),
    erlang:display(F(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)),
    Funs = [fun() -> 0 end, fun(_) -> 1 end, fun(_, _) -> 2 end, fun(_, _, _) -> 3 end],
    erlang:display([apply(Fn, lists:duplicate(N, x)) || {N, Fn} <- lists:zip([0, 1, 2, 3], Funs)]),
    erlang:display([erlang:fun_info(Fn, arity) || Fn <- Funs]),
    erlang:display(try apply(?MODULE:id(fun(X) -> X end), [1, 2]) catch error:{badarity, {_, Args}} -> {badarity, Args} end),
    erlang:display(try apply(?MODULE:id(fun f0/0), [1]) catch error:{badarity, {_, Args2}} -> {badarity, Args2} end),
    erlang:display(try (?MODULE:id(fun ?MODULE:f0/0))(1) catch error:R -> R end),
    G = fun ?MODULE:id/1,
    erlang:display(lists:map(G, [1, 2])),
    Curry = fun(A) -> fun(B) -> fun(C) -> A * 100 + B * 10 + C end end end,
    erlang:display(((Curry(1))(2))(3)).
