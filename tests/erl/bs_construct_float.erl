-module(bs_construct_float).
-export([main/0, id/1]).
%% Float segments: 16/32/64 bits, endianness, integers coerced to floats, overflow errors.
id(X) -> X.
main() ->
    F = ?MODULE:id(3.14159),
    erlang:display(<<F/float>>),
    erlang:display(<<F:32/float>>),
    erlang:display(<<F:16/float>>),
    erlang:display(<<F:64/float-little>>),
    erlang:display(<<F:32/float-little>>),
    erlang:display(<<(?MODULE:id(7)):64/float>>),
    erlang:display(<<(?MODULE:id(1 bsl 80)):64/float>>),
    erlang:display(<<(-0.0)/float>>),
    erlang:display(<<1.0e300:64/float>>),
    erlang:display(try <<(?MODULE:id(1.0e300)):32/float>> catch error:R -> R end),
    erlang:display(try <<(?MODULE:id(1.0e10)):16/float>> catch error:R2 -> R2 end),
    erlang:display(try <<(?MODULE:id(a)):64/float>> catch error:R3 -> R3 end),
    erlang:display(try <<(?MODULE:id(1.0)):(?MODULE:id(24))/float>> catch error:R4 -> R4 end),
    erlang:display(<<1:1, F/float>>),
    erlang:display(<<(?MODULE:id(65504.0)):16/float, (?MODULE:id(6.0e-8)):16/float>>),
    erlang:display(<<(?MODULE:id(1.5)):2/float-unit:32>>).
