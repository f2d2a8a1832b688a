-module(bif_iolist).
-export([main/0]).
%% iolist_to_binary, iolist_size, erlang:iolist_to_iovec, list_to_binary on deep iolists.
main() ->
    IO = ["abc", [$d, [<<"ef">>, []], <<>>], $g, <<"hij">> | <<"kl">>],
    erlang:display(iolist_to_binary(IO)),
    erlang:display(iolist_size(IO)),
    erlang:display(iolist_to_binary(<<"bin">>)),
    erlang:display(iolist_size(<<"bin">>)),
    erlang:display(iolist_to_binary([])),
    erlang:display(iolist_to_binary([[], [[]], <<>>])),
    Deep = lists:foldl(fun(I, Acc) -> [Acc, I rem 256] end, [], lists:seq(1, 10000)),
    erlang:display(iolist_size(Deep)),
    erlang:display(erlang:md5(iolist_to_binary(Deep))),
    erlang:display([try iolist_to_binary(X) catch error:R -> R end || X <- [a, [a], [256], [-1], [<<1:1>>], 1, [1 | a]]]),
    erlang:display([try iolist_size(X) catch error:R -> R end || X <- [a, [1.0]]]),
    erlang:display(try iolist_to_binary([<<1:4>>, <<2:4>>]) catch error:R5 -> R5 end),
    erlang:display(erlang:list_to_bitstring([<<1:4>>, <<2:4>>])).
