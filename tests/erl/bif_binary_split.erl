-module(bif_binary_split).
-export([main/0]).
%% split_binary, binary_part, byte_size, bit_size, sub-binaries of large binaries.
main() ->
    B = <<"0123456789">>,
    erlang:display(split_binary(B, 3)),
    erlang:display(split_binary(B, 0)),
    erlang:display(split_binary(B, 10)),
    erlang:display(try split_binary(B, 11) catch error:R -> R end),
    erlang:display(binary_part(B, 2, 3)),
    erlang:display(binary_part(B, {5, -3})),
    erlang:display(binary_part(B, 10, 0)),
    erlang:display(try binary_part(B, 8, 5) catch error:R2 -> R2 end),
    erlang:display(try binary_part(B, -1, 2) catch error:R3 -> R3 end),
    erlang:display([byte_size(B), bit_size(B), byte_size(<<1:9>>), bit_size(<<1:9>>)]),
    Large = list_to_binary(lists:seq(0, 199)),
    {L1, L2} = split_binary(Large, 100),
    erlang:display([byte_size(L1), byte_size(L2), binary:first(L2), binary:last(L1)]),
    erlang:display(binary_part(Large, 150, 10)),
    Sub = binary_part(Large, 10, 100),
    erlang:display(binary_part(Sub, 90, 10)),
    erlang:display(try split_binary(<<1:3>>, 1) catch error:R4 -> R4 end),
    erlang:display(erlang:binary_part(<<1, 2, 3>>, 1, 2)).
