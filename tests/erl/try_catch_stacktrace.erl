-module(try_catch_stacktrace).
-export([main/0, id/1, ext_fail/1]).
%% Stack traces from try ... catch C:R:St: modules, functions, arities, args, file and line.
id(X) -> X.

st(St) -> [F || F <- St, element(1, F) =/= init].

main() ->
    erlang:display(trace(fun() -> level1(?MODULE:id(0)) end)),
    erlang:display(trace(fun() -> fc(?MODULE:id(x), 2) end)),
    erlang:display(trace(fun() -> lists:map(fun(X) -> 1 / X end, [1, ?MODULE:id(0)]) end)),
    erlang:display(trace(fun() -> ?MODULE:ext_fail(?MODULE:id(3)) end)),
    erlang:display(trace(fun() -> body_recursive(3) end)),
    erlang:display(trace(fun() -> tail_recursive(3) end)),
    erlang:display(trace(fun() -> erlang:error(my_error, [?MODULE:id(a), b]) end)),
    erlang:display(trace(fun() -> erlang:error(my_error, [a], [{error_info, #{cause => why}}]) end)),
    erlang:display(trace(fun() -> throw(?MODULE:id(thrown)) end)),
    erlang:display(trace(fun() -> lists:foldl(fun(X, A) -> X + A end, 0, [1, ?MODULE:id(a)]) end)),
    erlang:display(trace(fun() -> erlang:raise(error, reraised, [{m, f, 1, [{file, "m.erl"}, {line, 9}]}]) end)),
    erlang:display(trace(fun() -> lists:nth(?MODULE:id(0), [a]) end)),
    erlang:display(trace(fun() -> case_fail(?MODULE:id(z)) end)),
    erlang:display(trace(fun() -> in_fun_clause() end)),
    erlang:display(trace(fun() -> maps:get(?MODULE:id(missing), #{}) end)),
    erlang:display(trace(fun() -> rethrow() end)),
    erlang:display(length(element(3, trace(fun() -> deep(50) end)))),
    erlang:display(lists:sublist(element(3, trace(fun() -> deep(50) end)), 3)).

trace(F) ->
    try F() of V -> {no_exception, V}
    catch C:R:St -> {C, R, st(St)}
    end.

level1(X) -> R = level2(X), {R}.
level2(X) -> R = 10 div X, [R].

fc(a, _) -> a;
fc(b, _) -> b.

ext_fail(N) -> R = element(N, {only_one}), {R}.

body_recursive(0) -> error(bottom);
body_recursive(N) -> [N | body_recursive(N - 1)].

tail_recursive(0) -> error(bottom);
tail_recursive(N) -> tail_recursive(N - 1).

case_fail(X) ->
    case X of
        a -> 1;
        b -> 2
    end.

in_fun_clause() ->
    F = fun(1) -> one end,
    R = F(?MODULE:id(2)),
    {R}.

rethrow() ->
    try error(original)
    catch error:R:St -> erlang:raise(error, {wrapped, R}, St)
    end.

deep(0) -> error(deep_bottom);
deep(N) -> {deep(N - 1)}.
