-module(conv_errors_stacktrace).
-export([main/0, id/1]).
%% BIF errors in conversions: reason plus the top stack frame with args and error_info.
id(X) -> X.
t(F) ->
    try F() of V -> {ok, V}
    catch C:R:St -> {C, R, [Fr || Fr <- St, element(1, Fr) =/= init]}
    end.
main() ->
    erlang:display(t(fun() -> atom_to_list(?MODULE:id(1)) end)),
    erlang:display(t(fun() -> list_to_atom(?MODULE:id(a)) end)),
    erlang:display(t(fun() -> integer_to_list(?MODULE:id(x), 10) end)),
    erlang:display(t(fun() -> list_to_integer(?MODULE:id("1x")) end)),
    erlang:display(t(fun() -> binary_to_list(?MODULE:id(<<1:1>>)) end)),
    erlang:display(t(fun() -> list_to_tuple(?MODULE:id(x)) end)),
    erlang:display(t(fun() -> tuple_to_list(?MODULE:id(x)) end)),
    erlang:display(t(fun() -> float_to_list(?MODULE:id(x)) end)),
    erlang:display(t(fun() -> iolist_to_binary(?MODULE:id([a])) end)),
    erlang:display(t(fun() -> atom_to_binary(?MODULE:id(<<"a">>)) end)),
    erlang:display(t(fun() -> binary_to_term(?MODULE:id(<<131, 0>>)) end)),
    erlang:display(t(fun() -> element(?MODULE:id(5), {a}) end)),
    erlang:display(t(fun() -> setelement(?MODULE:id(0), {a}, b) end)),
    erlang:display(t(fun() -> hd(?MODULE:id([])) end)),
    erlang:display(t(fun() -> tl(?MODULE:id(x)) end)),
    erlang:display(t(fun() -> length(?MODULE:id([a | b])) end)),
    erlang:display(t(fun() -> tuple_size(?MODULE:id([])) end)),
    erlang:display(t(fun() -> byte_size(?MODULE:id(a)) end)),
    erlang:display(t(fun() -> map_size(?MODULE:id(a)) end)),
    erlang:display(t(fun() -> abs(?MODULE:id(a)) end)),
    erlang:display(t(fun() -> erlang:make_tuple(?MODULE:id(-1), a) end)),
    erlang:display(t(fun() -> list_to_binary(?MODULE:id([1 | 2])) end)).
