-module(jit_bs_match).
-export([main/0]).
%% Bit-syntax matching in the native-code tier, whose machine code matches integer segments
%% of 8, 16 and 32 bits, 64-bit floats, literal strings of up to 8 bytes, skips and
%% sub binaries itself: on heap binaries, refc binaries and sub binaries, at byte
%% boundaries and off them (the interpreter's path), with too few bits left, signed and
%% little-endian fields, float bit patterns that are no float (NaN, infinities), sizes from
%% registers that are too large, negative or not integers, and floats and sub binaries made
%% while the heap fills up (collections inside the match). Each function runs often enough
%% to be compiled; the results of the first (interpreted) and the last run are shown.

main() ->
    Small = <<1, 2, 3, 250, 251, 252, 253, 254, 255, 128, 0, 7>>,
    Big = list_to_binary([X rem 256 || X <- lists:seq(1, 300)]),
    <<_:5/binary, Sub:40/binary, _/binary>> = Big,
    <<_:3, Odd/bitstring>> = Big,
    Bins = [<<>>, <<1>>, <<1, 2>>, Small, Big, Sub, Odd, <<0:7>>, <<255, 255, 255, 255, 255, 255, 255>>],
    run("ints", fun ints/1, Bins),
    Floats = [<<F:64/float>> || F <- [0.0, -0.0, 1.5, -2.25e300, 5.0e-324, 1.0e-310]]
        ++ [<<16#7FF0000000000000:64>>, <<16#FFF0000000000000:64>>, <<16#7FF8000000000001:64>>,
            <<16#7FEFFFFFFFFFFFFF:64>>, <<1.5:64/float-little>>, <<0, 0, 0>>,
            <<9, 1.25:64/float, 7>>, <<0:3, 1.0:64/float, 0:5>>],
    run("floats", fun floats/1, Floats),
    Strs = [<<"abc">>, <<"abcd">>, <<"abd">>, <<"ab">>, <<1, 2, 3, 4, 5, 6, 7, 8>>,
            <<1, 2, 3, 4, 5, 6, 7, 9>>, <<1, 2, 3, 4, 5, 6, 7, 8, 9>>, <<1, 2, 3, 4, 5, 6, 7, 8, 9, 10>>,
            <<0:1, "abc">>, <<"xyz", 0:64>>, Big, <<"HTTP/1.1 200">>],
    run("strings", fun strings/1, Strs),
    Tlv = [<<3, "abcdef">>, <<0, "x">>, <<7, "short">>, <<2, 1:1>>, <<255, Big/binary>>, <<1>>, <<>>,
           <<4, 0:4, "abcd">>],
    run("tlv", fun tlv/1, Tlv),
    Sizes = [0, 1, 5, 16, -1, 1 bsl 40, 1 bsl 62, a, 2.0],
    run("sizes", fun(S) -> sized(S, Big) end, Sizes),
    run("sizes_small", fun(S) -> sized(S, Small) end, Sizes),
    %% Many floats and sub binaries, made while the heap fills: collections inside the match.
    FB = << <<(X / 7):64/float>> || X <- lists:seq(1, 20000) >>,
    erlang:display(lists:sum(float_list(FB, [])) == lists:sum([X / 7 || X <- lists:seq(1, 20000)])),
    Parts = chunks(Big, 3, []),
    erlang:display({length(Parts), lists:last(Parts), hd(Parts)}),
    erlang:display(length([ok || _ <- lists:seq(1, 50), _ <- chunks(FB, 24, [])])).

run(Name, F, Inputs) ->
    First = [catch F(I) || I <- Inputs],
    lists:foreach(fun(_) -> [catch F(I) || I <- Inputs] end, lists:seq(1, 300)),
    Last = [catch F(I) || I <- Inputs],
    erlang:display({Name, First =:= Last}),
    erlang:display(Last).

ints(<<A:8, B:16, C:32, D:16/little, E:32/little-signed, F:8/signed, G:16/signed, _/bitstring>>) ->
    {all, A, B, C, D, E, F, G};
ints(<<A:8/signed, B:16/little-signed, _:8, C:32/signed, _/bitstring>>) -> {some, A, B, C};
ints(<<A:16, _:3, B:8, Rest/bitstring>>) -> {odd, A, B, bit_size(Rest)};
ints(<<A:8, Rest/bitstring>>) -> {one, A, bit_size(Rest)};
ints(Other) -> {none, bit_size(Other)}.

floats(<<F:64/float>>) -> {big, F};
floats(<<_:8, F:64/float, _:8>>) -> {inner, F};
floats(<<_:3, F:64/float, _:5>>) -> {unaligned, F};
floats(<<F:64/float-little>>) -> {little, F};
floats(Other) -> {none, byte_size(Other)}.

strings(<<"abc", R/binary>>) -> {abc, R};
strings(<<1, 2, 3, 4, 5, 6, 7, 8, R/binary>>) -> {eight, R};
strings(<<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, R/binary>>) -> {ten, R};
strings(<<"HTTP/1.1 ", Code:3/binary>>) -> {http, Code};
strings(<<_:1, "abc", _/bitstring>>) -> unaligned;
strings(<<"xyz", 0:64>>) -> xyz;
strings(<<_:16, X:8, _/binary>>) -> {skipped, X};
strings(_) -> none.

tlv(<<L:8, V:L/binary, R/bitstring>>) -> {L, V, bit_size(R)};
tlv(<<L:8, _:4, V:L/binary, _/bitstring>>) -> {nibble, V};
tlv(<<L:8, R/bitstring>>) -> {short, L, bit_size(R)};
tlv(B) -> {empty, B}.

sized(S, Bin) ->
    case Bin of
        <<X:S/binary, _/binary>> -> {bin, byte_size(X)};
        <<Y:S/bitstring, _/bitstring>> -> {bits, bit_size(Y)};
        _ -> nomatch
    end.

float_list(<<F:64/float, R/binary>>, Acc) -> float_list(R, [F | Acc]);
float_list(<<>>, Acc) -> Acc.

chunks(Bin, N, Acc) ->
    case Bin of
        <<C:N/binary, R/binary>> -> chunks(R, N, [C | Acc]);
        R -> lists:reverse([R | Acc])
    end.
