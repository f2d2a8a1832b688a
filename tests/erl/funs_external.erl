-module(funs_external).
-export([id/1, main/0, local_exported/1]).
%% External funs (fun M:F/A), fun_info of external funs, display of them.
local_exported(X) -> {called, X}.

main() ->
    F = fun lists:reverse/1,
    erlang:display(F([1, 2, 3])),
    erlang:display(F),
    erlang:display(fun erlang:abs/1),
    erlang:display(erlang:fun_info(F)),
    erlang:display(erlang:fun_info(F, module)),
    erlang:display(erlang:fun_info(F, name)),
    erlang:display(erlang:fun_info(F, arity)),
    erlang:display(erlang:fun_info(F, type)),
    erlang:display(erlang:fun_info(F, env)),
    G = fun ?MODULE:local_exported/1,
    erlang:display(G(7)),
    erlang:display(G),
    M = ?MODULE:id(lists), N = ?MODULE:id(sum), Ar = ?MODULE:id(1),
    H = fun M:N/Ar,
    erlang:display(H([1, 2, 3])),
    erlang:display(H =:= fun lists:sum/1),
    erlang:display(erlang:make_fun(lists, last, 1)),
    erlang:display((erlang:make_fun(lists, last, 1))([a, b, c])),
    erlang:display(lists:map(fun erlang:atom_to_list/1, [a, bc])),
    erlang:display(is_function(fun no_such_mod:f/3, 3)),
    show(catch (fun no_such_mod:f/0)()),
    erlang:display(fun erlang:'+'/2 < fun erlang:'-'/2).

id(X) -> X.

%% Displays a catch result without the frames of init (the real erl's -s caller).
show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).
