-module(raise_rethrow).
-export([main/0, id/1]).
%% erlang:raise/3, error/1,2,3, exit/1, throw/1 and reason nesting.
id(X) -> X.
st(St) -> [F || F <- St, element(1, F) =/= init].
t(F) -> try F() catch C:R:S -> {C, R, st(S)} end.
t2(F) -> try F() catch C:R -> {C, R} end.

main() ->
    erlang:display(t(fun() -> erlang:raise(throw, t, []) end)),
    erlang:display(t(fun() -> erlang:raise(exit, e, [{a, b, 0, []}]) end)),
    erlang:display(t(fun() -> erlang:raise(error, r, [{a, b, [x], [{line, 1}]}]) end)),
    erlang:display(t2(fun() -> erlang:raise(error, r, not_a_stack) end)),
    erlang:display(t2(fun() -> erlang:raise(foo, r, []) end)),
    erlang:display(t(fun() -> error(e1, [1, 2]) end)),
    erlang:display(t(fun() -> error(e2, none) end)),
    erlang:display(t(fun() -> error(e3, [x], [{error_info, #{module => m}}]) end)),
    erlang:display(t2(fun() -> exit(normal) end)),
    erlang:display(t2(fun() -> throw([nested, {deep, <<"bin">>}]) end)),
    erlang:display(chain()),
    erlang:display(try erlang:error(?MODULE:id({a, b})) catch error:{X, Y} -> {X, Y} end),
    erlang:display(try exit(self(), normal), still_alive catch _:_ -> caught end),
    erlang:display(try erlang:throw(1) catch throw:N when is_integer(N) -> N + 1 end).

chain() ->
    try
        try throw(first)
        catch throw:First:St1 -> erlang:raise(exit, {converted, First}, St1)
        end
    catch exit:Reason -> {finally, Reason}
    end.
