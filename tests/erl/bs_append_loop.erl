-module(bs_append_loop).
-export([main/0]).
%% Building binaries incrementally (bs_append / private append), in loops and accumulators.
main() ->
    B1 = lists:foldl(fun(I, Acc) -> <<Acc/binary, I>> end, <<>>, lists:seq(1, 200)),
    erlang:display(byte_size(B1)),
    erlang:display(erlang:md5(B1)),
    erlang:display(build(10000, <<>>) =:= list_to_binary([integer_to_list(I rem 10) || I <- lists:seq(10000, 1, -1)])),
    B2 = build(5, <<"start:">>),
    erlang:display(B2),
    B3 = <<B2/binary, "!">>,
    B4 = <<B2/binary, "?">>,
    erlang:display({B2, B3, B4}),
    erlang:display(escape(<<"a<b>&c\"d">>, <<>>)),
    erlang:display(bits_acc(20, <<>>)),
    erlang:display(byte_size(big_append(100000, <<>>))),
    erlang:display(hex(<<"\x00\x7f\xff binary">>)).

build(0, Acc) -> Acc;
build(N, Acc) -> build(N - 1, <<Acc/binary, (integer_to_binary(N rem 10))/binary>>).

escape(<<>>, Acc) -> Acc;
escape(<<$<, R/binary>>, Acc) -> escape(R, <<Acc/binary, "&lt;">>);
escape(<<$>, R/binary>>, Acc) -> escape(R, <<Acc/binary, "&gt;">>);
escape(<<$&, R/binary>>, Acc) -> escape(R, <<Acc/binary, "&amp;">>);
escape(<<C, R/binary>>, Acc) -> escape(R, <<Acc/binary, C>>).

bits_acc(0, Acc) -> Acc;
bits_acc(N, Acc) -> bits_acc(N - 1, <<Acc/bitstring, (N band 3):3>>).

big_append(0, Acc) -> Acc;
big_append(N, Acc) -> big_append(N - 1, <<Acc/binary, N:32>>).

hex(B) -> << <<(hd(integer_to_list(X, 16))), (lists:last(integer_to_list(X + 256, 16)))>> || <<X:4, _:4>> <= B >>.
