-module(apply_tail_traces).
-export([main/0, t_only/3, t_body/3, t_case/3, f_only/2, f_body/2, exports_probe/0]).
%% Stack traces through apply/3 and funs in tail and body position: a BIF applied in tail
%% position (exit/throw/error: located at the apply; other BIFs: the applier's frame is
%% gone), a fun called in tail position (the caller's frame is gone), and the order of
%% module_info(exports) (OTP's export table: the newest entry first).
main() ->
    D = fun(X) -> erlang:display(X) end,
    T = fun(F) -> try F() catch C:R:S -> {C, R, [Fr || {M, _, _, _} = Fr <- S, M =/= init]} end end,
    [D(T(fun() -> ?MODULE:W(erlang, B, [x]) end))
     || W <- [t_only, t_body, t_case], B <- [exit, throw, error, binary_to_list, atom_to_list]],
    [D(T(fun() -> ?MODULE:W(F, x) end))
     || W <- [f_only, f_body], F <- [fun erlang:exit/1, fun erlang:binary_to_list/1,
                                     fun(X) -> X + 1 end, fun bad/1]],
    D(T(fun() -> apply(fun(A, B) -> {A, B} end, [1]) end)),
    D(T(fun() -> apply(erlang, apply, [erlang, exit, [nested]]) end)),
    D(T(fun() -> loop(fun loop/2, 100000) end)),
    D(?MODULE:module_info(exports)),
    ok.

t_only(M, F, A) -> apply(M, F, A).
t_body(M, F, A) -> R = apply(M, F, A), [R].
t_case(M, F, A) -> case A of [_] -> apply(M, F, A) end.

f_only(F, X) -> F(X).
f_body(F, X) -> R = F(X), {R}.

bad(X) -> binary_to_atom(X).

%% A fun calling itself in tail position: the stack must not grow.
loop(_, 0) -> {stack_size, S} = process_info(self(), stack_size), {S < 50, done};
loop(F, N) -> F(F, N - 1).

exports_probe() -> ok.
