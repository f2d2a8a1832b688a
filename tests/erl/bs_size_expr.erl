-module(bs_size_expr).
-export([main/0, id/1]).
%% Size expressions: sizes computed from earlier fields, arithmetic in sizes, sizes in constructions.
id(X) -> X.
main() ->
    <<N:8, Data:(N * 2)/binary, Rest/binary>> = <<2, "abcd", "rest">>,
    erlang:display({N, Data, Rest}),
    <<Bits:4, Val:Bits, _/bits>> = <<3:4, 5:3, 0:1>>,
    erlang:display({Bits, Val}),
    S = ?MODULE:id(3),
    erlang:display(<<1:(S * 8), 2:(S + 1)>>),
    erlang:display(<<(?MODULE:id(<<"abcdef">>)):(S - 1)/binary>>),
    erlang:display(pascal(<<5, "hello", 3, "abc", 0>>)),
    erlang:display(f(<<4, 1, 2, 3, 4, 99>>)),
    erlang:display(f(<<1, 7, 8>>)),
    erlang:display(g(2, <<1, 2, 3, 4, 5>>)).

pascal(<<0>>) -> [];
pascal(<<L, S:L/binary, R/binary>>) -> [S | pascal(R)].

f(<<Len:8, Body:Len/binary, Tail/binary>>) -> {Body, Tail};
f(_) -> nomatch.

g(Size, Bin) ->
    case Bin of
        <<X:Size/binary, Y:(Size * 8), _/binary>> -> {X, Y};
        _ -> nomatch
    end.
