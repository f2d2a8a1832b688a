-module(try_catch_reasons).
-export([main/0, id/1, f/1, g/2]).
%% Every standard error reason produced by the VM, caught and printed.
-record(rec, {a}).
id(X) -> X.
f(1) -> one.
g(X, Y) when X > Y -> gt.

t(F) -> try F() catch C:R -> {C, R} end.

main() ->
    Id = fun ?MODULE:id/1,
    erlang:display(t(fun() -> atom_to_list(Id(1)) end)),
    erlang:display(t(fun() -> Id(1) + a end)),
    erlang:display(t(fun() -> f(Id(2)) end)),
    erlang:display(t(fun() -> g(Id(1), 2) end)),
    erlang:display(t(fun() -> case Id(3) of 1 -> a; 2 -> b end end)),
    erlang:display(t(fun() -> V = Id(3), if V =:= 1 -> a end end)),
    erlang:display(t(fun() -> {ok, _} = Id({error, x}) end)),
    erlang:display(t(fun() -> [_] = Id([1, 2]) end)),
    erlang:display(t(fun() -> 1 = Id(2) end)),
    erlang:display(t(fun() -> #{k := _} = Id(#{j => 1}) end)),
    erlang:display(t(fun() -> maps:get(k, Id(#{})) end)),
    erlang:display(t(fun() -> (Id(#{a => 1}))#{b := 2} end)),
    erlang:display(t(fun() -> (Id(not_a_map))#{b => 2} end)),
    erlang:display(t(fun() -> (Id(not_a_map))#{b := 2} end)),
    erlang:display(t(fun() -> maps:get(k, Id(not_a_map)) end)),
    erlang:display(t(fun() -> (Id(not_a_fun))() end)),
    erlang:display(t(fun() -> (Id({a, b}))(1) end)),
    erlang:display(element(1, t(fun() -> (Id(fun(X) -> X end))(1, 2) end))),
    {error, {badarity, {Fn, Args}}} = t(fun() -> (Id(fun(X) -> X end))(1, 2) end),
    erlang:display({badarity_args, Args, is_function(Fn, 1)}),
    erlang:display(t(fun() -> no_such_module:f(Id(1)) end)),
    erlang:display(t(fun() -> ?MODULE:no_such_fun(Id(1)) end)),
    erlang:display(t(fun() -> try Id(1) of 2 -> two catch _:_ -> c end end)),
    erlang:display(t(fun() -> (Id({other, 1}))#rec.a end)),
    erlang:display(t(fun() -> list_to_atom(lists:duplicate(Id(300), $a)) end)),
    erlang:display(t(fun() -> throw(Id(any_term)) end)),
    erlang:display(t(fun() -> exit(Id({shutdown, x})) end)),
    erlang:display(t(fun() -> error(Id(custom)) end)),
    erlang:display(t(fun() -> erlang:raise(throw, Id(raised), []) end)),
    erlang:display(t(fun() -> erlang:raise(bad_class, Id(raised), []) end)),
    erlang:display(t(fun() -> <<X:8>> = Id(<<1, 2>>), X end)),
    erlang:display(t(fun() -> <<(Id(a)):8>> end)),
    erlang:display(t(fun() -> hd(Id([])) end)),
    erlang:display(t(fun() -> binary_to_atom(Id(<<1:1>>)) end)),
    erlang:display(t(fun() -> lists:nth(Id(5), [a]) end)),
    erlang:display(t(fun() -> [X || X <- Id(not_a_list)] end)),
    erlang:display(t(fun() -> Id(a) ++ [] end)),
    erlang:display(t(fun() -> erlang:halt(Id(bad_status_atom_x)) end)),
    erlang:display(t(fun() -> apply(Id(fun() -> ok end), [1]) end) =/= ok).
