%% A fun called in tail position (`call_fun`/`call_fun2` followed by `deallocate` and `return`)
%% is a tail call: the caller's frame is gone before the fun runs. So a loop through funs
%% runs in constant stack, and the caller does not show in the stack trace of an exception
%% raised inside the fun (Elixir prints such traces for compile errors).
-module(call_fun_tail).
-export([main/0]).

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

%% A loop whose step is a fun called in tail position after a body call (so the function
%% has a frame that the tail call must drop).
loop(_F, 0, Acc) ->
    {stack, element(2, process_info(self(), stack_size)) < 100, Acc};
loop(F, N, Acc) ->
    Acc1 = id(Acc + 1),
    F(F, N - 1, Acc1).

id(X) -> X.

%% The fun is a local variable of a function with a frame (call_fun2 on a Y register).
twice(G, X) ->
    Y = id(X),
    _ = G(Y),
    G(Y).

caller_of_failing(F) ->
    _ = id(F),
    F().

frames(St) -> [{M, Fn, A} || {M, Fn, A, _} <- St, M =/= init].

main() ->
    Step = fun(F, N, Acc) -> loop(F, N, Acc) end,
    show("fun loop of 1000000", loop(Step, 1000000, 0)),
    show("call_fun2 of a Y register", twice(fun(V) -> V * 2 end, 21)),
    Fail = fun() -> error(inside_fun) end,
    show("trace of a fun called last",
         try caller_of_failing(Fail) catch error:R:St -> {R, frames(St)} end),
    Throw = fun() -> try throw(ok) catch _:_:S -> frames(S) end end,
    show("trace inside a fun called last", caller_of_failing(Throw)),
    show("badfun called last", try caller_of_failing(not_a_fun) catch error:B:St2 -> {B, frames(St2)} end),
    show("badarity called last",
         try caller_of_failing(fun(_) -> ok end) catch error:{badarity, _}:St3 -> frames(St3) end),
    Exp = fun erlang:abs/1,
    show("export fun of a BIF called last", twice(Exp, -4)),
    show("export fun called last", twice(fun lists:reverse/1, [1, 2, 3])).
