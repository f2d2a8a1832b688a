-module(conv_binary_list).
-export([main/0]).
%% binary_to_list/1,3, list_to_binary, bitstring_to_list, list_to_bitstring, tuple/list conversions.
main() ->
    B = <<"hello world">>,
    erlang:display(binary_to_list(B)),
    erlang:display(binary_to_list(B, 1, 5)),
    erlang:display(binary_to_list(B, 7, 11)),
    erlang:display(try binary_to_list(B, 0, 1) catch error:R -> R end),
    erlang:display(try binary_to_list(B, 5, 4) catch error:R2 -> R2 end),
    erlang:display(list_to_binary([1, 2, [3, <<4, 5>>], "ab", <<>>, []])),
    erlang:display(try list_to_binary([256]) catch error:R3 -> R3 end),
    erlang:display(try list_to_binary([-1]) catch error:R3b -> R3b end),
    erlang:display(try list_to_binary(<<1:1>>) catch error:R4 -> R4 end),
    erlang:display(bitstring_to_list(<<1, 2, 3:3>>)),
    erlang:display(bitstring_to_list(<<1, 2>>)),
    erlang:display(list_to_bitstring([<<1:1>>, [<<0:1>>, 7], <<5:3>>])),
    erlang:display(tuple_to_list({a, {b}, [c]})),
    erlang:display(list_to_tuple([1, 2, 3])),
    erlang:display(list_to_tuple([])),
    erlang:display(try list_to_tuple([a | b]) catch error:R5 -> R5 end),
    erlang:display(binary_to_list(<<>>)),
    erlang:display(list_to_binary(lists:seq(0, 255)) =:= << <<I>> || I <- lists:seq(0, 255) >>),
    erlang:display(byte_size(list_to_binary(lists:duplicate(1000, "abc")))),
    erlang:display(erlang:list_to_binary([<<"big binary that is definitely longer than sixty-four bytes, yes it is!!">>, "x"])).
