-module(bs_match_int).
-export([main/0, id/1]).
%% Matching integer segments: signed/unsigned, little/big, variable and unaligned sizes.
id(X) -> X.
main() ->
    B = ?MODULE:id(<<16#12, 16#34, 16#56, 16#78, 16#9A, 16#BC, 16#DE, 16#F0, 16#FF>>),
    <<A:8, Bb:16, C:32/little, D:16/signed, E:8/signed>> = <<B/binary, 16#80>>,
    erlang:display({A, Bb, C, D, E}),
    <<X1:4, X2:4, X3:3, X4:5, _/bits>> = B,
    erlang:display({X1, X2, X3, X4}),
    <<Big:72>> = B, erlang:display(Big),
    <<BigL:72/little>> = B, erlang:display(BigL),
    <<BigS:72/signed-little>> = B, erlang:display(BigS),
    <<BigN:72/signed>> = <<255, 0:64>>, erlang:display(BigN),
    N = ?MODULE:id(12),
    <<V:N, W:N/little, Rest/bits>> = B,
    erlang:display({V, W, Rest}),
    erlang:display([decode_varint(Bin) || Bin <- [<<1>>, <<150, 1>>, <<255, 255, 3>>, <<128, 128, 128, 128, 128, 128, 128, 128, 128, 1>>]]),
    erlang:display(parse_sized(<<3, 1, 2, 3, 2, 9, 9, 0>>, [])),
    erlang:display([m(X) || X <- [<<0:1>>, <<1:1>>, <<1:2>>, <<255>>, <<128, 0>>]]),
    <<S1:3/signed, S2:13/signed>> = <<255, 255>>,
    erlang:display({S1, S2}),
    <<U:7/unit:8>> = <<1, 2, 3, 4, 5, 6, 7>>,
    erlang:display(U),
    <<Lz:0, Ln:64/native>> = <<1, 0, 0, 0, 0, 0, 0, 0>>,
    erlang:display({Lz, Ln}).

decode_varint(Bin) -> decode_varint(Bin, 0, 0).
decode_varint(<<1:1, V:7, Rest/binary>>, Shift, Acc) -> decode_varint(Rest, Shift + 7, Acc bor (V bsl Shift));
decode_varint(<<0:1, V:7, _/binary>>, Shift, Acc) -> Acc bor (V bsl Shift).

parse_sized(<<0>>, Acc) -> lists:reverse(Acc);
parse_sized(<<Len, Data:Len/binary, Rest/binary>>, Acc) -> parse_sized(Rest, [Data | Acc]).

m(<<0:1>>) -> zero_bit;
m(<<1:1>>) -> one_bit;
m(<<X:2>>) -> {two_bits, X};
m(<<255>>) -> all_ones;
m(<<1:1, _:15>>) -> high_bit_word.
