-module(arith_errors).
-export([main/0, id/1]).
%% badarith from integer/float operations, float overflow, division by zero.
id(X) -> X.
t(F) -> try F() catch C:R -> {C, R} end.
main() ->
    Z = ?MODULE:id(0), A = ?MODULE:id(a), F0 = ?MODULE:id(0.0),
    erlang:display(t(fun() -> 1 div Z end)),
    erlang:display(t(fun() -> 1 rem Z end)),
    erlang:display(t(fun() -> 1 / Z end)),
    erlang:display(t(fun() -> 1.0 / F0 end)),
    erlang:display(t(fun() -> A + 1 end)),
    erlang:display(t(fun() -> 1 - A end)),
    erlang:display(t(fun() -> -A end)),
    erlang:display(t(fun() -> A * 2 end)),
    erlang:display(t(fun() -> 1.5 div ?MODULE:id(1) end)),
    erlang:display(t(fun() -> 7 rem ?MODULE:id(2.0) end)),
    erlang:display(t(fun() -> ?MODULE:id(1.0) band 1 end)),
    erlang:display(t(fun() -> bnot ?MODULE:id(1.0) end)),
    erlang:display(t(fun() -> 1 bsl ?MODULE:id(a) end)),
    erlang:display(t(fun() -> ?MODULE:id(1.0e308) * 10 end)),
    erlang:display(t(fun() -> ?MODULE:id(1.0e308) + 1.0e308 end)),
    erlang:display(t(fun() -> float(?MODULE:id(1 bsl 1100)) end)),
    erlang:display(t(fun() -> ?MODULE:id(1 bsl 1100) / 1 end)),
    erlang:display(t(fun() -> "a" + 1 end)),
    erlang:display(t(fun() -> [] * 1 end)),
    erlang:display(try 1 div Z catch error:badarith:St -> hd(St) end),
    erlang:display(try A + 1 catch error:badarith:St2 -> hd(St2) end),
    erlang:display(t(fun() -> abs(?MODULE:id(x)) end)),
    erlang:display(t(fun() -> trunc(?MODULE:id(x)) end)).
