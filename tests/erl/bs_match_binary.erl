-module(bs_match_binary).
-export([main/0, id/1]).
%% Matching binary/bitstring segments, tails, sizes from earlier segments, rest bits.
id(X) -> X.
main() ->
    B = ?MODULE:id(<<"Hello, World!">>),
    <<H:5/binary, ", ", W/binary>> = B,
    erlang:display({H, W}),
    <<First:1/binary, _:3/binary, Last/bits>> = B,
    erlang:display({First, Last}),
    <<Bits:3/bits, Rest/bits>> = B,
    erlang:display({Bits, bit_size(Rest)}),
    erlang:display(split_lines(<<"line1\nline2\nline3">>, <<>>, [])),
    erlang:display(words(<<"the quick  brown fox">>)),
    erlang:display(take(<<1, 2, 3, 4, 5>>, 2)),
    erlang:display(take(<<1, 2, 3, 4, 5>>, 9)),
    erlang:display(reverse_bin(<<"abcdef">>)),
    erlang:display(count_bits(<<16#F0F0:16, 1:1>>, 0)),
    <<Len:16, Payload:Len/binary-unit:8, Tail/binary>> = <<0, 3, "abcxyz">>,
    erlang:display({Len, Payload, Tail}),
    Large = list_to_binary(lists:seq(0, 255)),
    <<_:100/binary, Mid:50/binary, _/binary>> = Large,
    erlang:display(Mid),
    erlang:display(sum_bytes(Large, 0)),
    erlang:display(match_empty(<<>>)),
    erlang:display(match_empty(<<1>>)).

split_lines(<<>>, Cur, Acc) -> lists:reverse([Cur | Acc]);
split_lines(<<$\n, Rest/binary>>, Cur, Acc) -> split_lines(Rest, <<>>, [Cur | Acc]);
split_lines(<<C, Rest/binary>>, Cur, Acc) -> split_lines(Rest, <<Cur/binary, C>>, Acc).

words(B) -> [W || W <- binary:split(B, <<" ">>, [global]), W =/= <<>>].

take(B, N) ->
    case B of
        <<P:N/binary, R/binary>> -> {P, R};
        _ -> too_short
    end.

reverse_bin(B) -> << <<C>> || <<C>> <= list_to_binary(lists:reverse(binary_to_list(B))) >>.

count_bits(<<>>, N) -> N;
count_bits(<<1:1, R/bits>>, N) -> count_bits(R, N + 1);
count_bits(<<0:1, R/bits>>, N) -> count_bits(R, N).

sum_bytes(<<X, R/binary>>, A) -> sum_bytes(R, A + X);
sum_bytes(<<>>, A) -> A.

match_empty(<<>>) -> empty;
match_empty(_) -> not_empty.
