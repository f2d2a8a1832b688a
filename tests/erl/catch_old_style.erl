-module(catch_old_style).
-export([main/0, id/1]).
%% Old-style catch expressions: value, {'EXIT', {Reason, Stack}} for errors, exit reasons, throws.
id(X) -> X.

show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).

main() ->
    show(catch 1 + 2),
    show(catch throw(thrown_value)),
    show(catch exit(exit_reason)),
    show(catch exit({tuple, reason})),
    show(catch error(err)),
    show(catch 1 / ?MODULE:id(0)),
    show(catch element(?MODULE:id(9), {a})),
    show(catch f(?MODULE:id(2))),
    show(catch nested()),
    A = (catch ?MODULE:id(10)) + 1,
    show(A),
    show([catch throw(I) || I <- [1, 2, 3]]),
    show(catch {ok, _} = ?MODULE:id(nope)),
    show(catch exit(?MODULE:id(normal))),
    show((catch throw(a)) =:= a).

f(1) -> one.

nested() ->
    X = (catch throw(inner)),
    {got, X, strip(catch error(?MODULE:id(second)))}.

strip({'EXIT', {R, St}}) -> {'EXIT', {R, [F || F <- St, element(1, F) =/= init]}}.
