-module(try_catch_basic).
-export([main/0, id/1]).
%% try/of/catch/after with all three classes, nested try, rethrow, catch-all patterns.
id(X) -> X.
main() ->
    erlang:display(t(fun() -> ok end)),
    erlang:display(t(fun() -> throw(ball) end)),
    erlang:display(t(fun() -> exit(bye) end)),
    erlang:display(t(fun() -> error(oops) end)),
    erlang:display(t(fun() -> error({complex, [1, 2]}, [arg1]) end)),
    erlang:display(of_clause(?MODULE:id(1))),
    erlang:display(of_clause(?MODULE:id(2))),
    erlang:display(nested()),
    erlang:display(catch_only_throw()),
    erlang:display(try try throw(inner) catch error:_ -> wrong end catch throw:X -> {outer_got, X} end),
    erlang:display(try ?MODULE:id(5) of 5 -> five; _ -> other catch _:_ -> caught end),
    erlang:display(try throw(x) catch _ -> short_form_throw end),
    erlang:display(try exit(x) catch exit:_ -> exit_caught end),
    erlang:display(try error(x) catch Class:_ -> Class end),
    erlang:display(loop_with_try(10, 0)),
    erlang:display(try_in_guardless_fun()),
    erlang:display(try error(badarg) catch error:badarg -> matched_badarg; error:_ -> other end),
    erlang:display(try throw({a, 1}) catch throw:{a, N} when N > 0 -> {guarded, N}; throw:_ -> unguarded end),
    erlang:display(try throw({a, -1}) catch throw:{a, N2} when N2 > 0 -> {guarded, N2}; throw:_ -> unguarded end).

t(F) ->
    try F() of
        V -> {value, V}
    catch
        throw:T -> {thrown, T};
        exit:E -> {exited, E};
        error:R -> {error, R}
    end.

of_clause(X) ->
    try X of
        1 -> one;
        N when N > 1 -> {many, N}
    catch _:_ -> never
    end.

nested() ->
    try
        try error(first)
        catch error:first -> throw(second)
        end
    catch throw:second -> {recovered, second}
    end.

catch_only_throw() ->
    try
        try error(not_a_throw) catch throw:_ -> wrong end
    catch error:R -> {passed_through, R}
    end.

loop_with_try(0, Acc) -> Acc;
loop_with_try(N, Acc) ->
    V = try if N rem 3 =:= 0 -> throw(N); true -> N end catch throw:M -> -M end,
    loop_with_try(N - 1, Acc + V).

try_in_guardless_fun() ->
    F = fun(X) -> try 10 div X catch error:badarith -> infinity end end,
    [F(X) || X <- [1, 2, 0, 5]].
