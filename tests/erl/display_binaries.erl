-module(display_binaries).
-export([main/0]).
%% erlang:display/1 of binaries and bitstrings: <<"text">> only for non-empty all-ASCII
%% printable binaries (only " escaped), bytes otherwise, a trailing partial byte as V:Bits,
%% also for sub-binaries at unaligned bit offsets.
main() ->
    D = fun erlang:display/1,
    [D(B) || B <- [<<>>, <<"a">>, <<" ">>, <<"~">>, <<127>>, <<31>>, <<"a\nb">>, <<"a\tb">>,
                   <<"say \"hi\"">>, <<"back\\slash">>, <<"it's">>, <<"é"/utf8>>, <<233>>,
                   <<0, 1, 2>>, <<255>>, <<"abc", 0>>, <<0, "abc">>]],
    [D(B) || B <- [<<1:1>>, <<0:1>>, <<5:3>>, <<1, 2:7>>, <<"ab", 3:2>>, <<255, 255:7>>,
                   <<"abc":20>>, <<0:0>>, <<1:9>>, <<511:9>>]],
    Big = list_to_binary(lists:seq(32, 126)),
    D(Big),
    D(<<Big/binary, 0>>),
    B7 = <<1, 2, 3, 4, 5, 6, 7>>,
    [D(S) || Off <- lists:seq(0, 9), Len <- [0, 3, 8, 13, 16], Off + Len =< 56,
             <<_:Off, S:Len/bits, _/bits>> <- [B7]],
    Txt = <<"abcdefghij">>,
    [D(S) || Off <- [0, 4, 8, 16], Len <- [8, 16, 24], <<_:Off, S:Len/bits, _/bits>> <- [Txt]],
    <<_:8, Sub:3/binary, _/binary>> = Txt, D(Sub),
    D({Sub, [Sub], #{Sub => <<1:1>>}}),
    ok.
