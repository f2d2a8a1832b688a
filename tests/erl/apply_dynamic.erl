-module(apply_dynamic).
-export([id/1, main/0, f/0, f/1, f/3]).
%% apply/2, apply/3, Mod:Fun(Args) with variables (apply, apply_last).
f() -> zero.
f(X) -> {one, X}.
f(A, B, C) -> {three, A, B, C}.

main() ->
    M = ?MODULE:id(apply_dynamic),
    F = ?MODULE:id(f),
    erlang:display(M:F()),
    erlang:display(M:F(1)),
    erlang:display(M:F(1, 2, 3)),
    erlang:display(apply(M, F, [x])),
    erlang:display(apply(lists, reverse, [[1, 2, 3]])),
    erlang:display(apply(fun(X, Y) -> X * Y end, [6, 7])),
    erlang:display(erlang:apply(erlang, '+', [1, 2])),
    erlang:display(tail_apply(M, F, [a, b, c])),
    show(catch apply(M, nope, [])),
    show(catch apply(M, F, [1, 2])),
    show(catch apply(no_such_module_xyz, f, [])),
    erlang:display(try apply(1, f, []) catch C:R -> {C, R} end),
    erlang:display(try apply(M, F, improper) catch C2:R2 -> {C2, R2} end),
    Mods = [lists, erlang],
    erlang:display([Mod:max([1, 5, 2]) || Mod <- [lists], lists:member(Mod, Mods)]).

id(X) -> X.

tail_apply(M, F, Args) -> apply(M, F, Args).

%% Displays a catch result without the frames of init (the real erl's -s caller).
show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).
