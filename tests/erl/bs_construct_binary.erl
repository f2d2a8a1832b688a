-module(bs_construct_binary).
-export([main/0, id/1]).
%% binary/bitstring segments with and without size, units, concatenation of odd-sized parts.
id(X) -> X.
main() ->
    B = ?MODULE:id(<<"abcdef">>), Bits = ?MODULE:id(<<5:3>>),
    erlang:display(<<B/binary, B/binary>>),
    erlang:display(<<B:3/binary>>),
    erlang:display(<<B:2/binary-unit:16>>),
    erlang:display(<<Bits/bitstring, B/binary>>),
    erlang:display(<<Bits/bits, Bits/bits, Bits/bits>>),
    erlang:display(<<B/bytes, Bits:2/bits>>),
    erlang:display(try <<Bits/binary>> catch error:R -> R end),
    erlang:display(try <<B:10/binary>> catch error:R2 -> R2 end),
    erlang:display(try <<(?MODULE:id(notbin))/binary>> catch error:R3 -> R3 end),
    erlang:display(<<(list_to_binary(lists:seq(1, 70)))/binary, 0>>),
    erlang:display(<< <<B/binary>> || _ <- [1, 2, 3] >>),
    L = [<<I>> || I <- lists:seq(1, 10)],
    erlang:display(<< <<X/binary>> || X <- L >>),
    erlang:display(<<(<<>>)/binary, (<<>>)/bits>>),
    erlang:display(byte_size(<< <<B/binary>> || _ <- lists:seq(1, 1000) >>)),
    erlang:display(<<B:0/binary>>),
    erlang:display(<<Bits:1/bits>>),
    erlang:display(try <<Bits:4/bits>> catch error:R4 -> R4 end).
