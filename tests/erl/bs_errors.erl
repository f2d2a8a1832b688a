-module(bs_errors).
-export([main/0, id/1]).
%% Errors from binary construction and matching: bad sizes, types, badmatch.
id(X) -> X.
t(F) -> try F() catch C:R -> {C, R} end.
main() ->
    Id = fun ?MODULE:id/1,
    erlang:display(t(fun() -> <<1:(Id(-1))>> end)),
    erlang:display(t(fun() -> <<1:(Id(a))>> end)),
    erlang:display(t(fun() -> <<(Id(1.5)):8>> end)),
    erlang:display(t(fun() -> <<(Id(<<1>>)):8>> end)),
    erlang:display(t(fun() -> <<(Id(<<1:3>>))/binary>> end)),
    erlang:display(t(fun() -> <<(Id("abc"))/binary>> end)),
    erlang:display(t(fun() -> <<(Id(-1))/utf8>> end)),
    erlang:display(t(fun() -> <<(Id(1))/float>> end)),
    erlang:display(t(fun() -> <<_:8>> = Id(<<>>) end)),
    erlang:display(t(fun() -> Neg = Id(-8), <<X:Neg>> = <<1>>, X end)),
    erlang:display(t(fun() -> <<X:8/binary>> = Id(<<1, 2>>), X end)),
    erlang:display(t(fun() -> <<"abc", _/binary>> = Id(<<"abd">>) end)),
    erlang:display(t(fun() -> <<X/utf8>> = Id(<<255>>), X end)),
    erlang:display(t(fun() -> <<X:8>> = Id(notbin), X end)),
    erlang:display(t(fun() -> Huge = Id(1 bsl 62), <<(Id(1)):Huge>> end)),
    erlang:display(t(fun() -> <<1:8/unit:8, (Id(x))/binary>> end)),
    erlang:display(try <<(Id(a)):8>> catch error:R:St -> {R, [F || F <- St, element(1, F) =/= init]} end).
