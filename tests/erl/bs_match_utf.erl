-module(bs_match_utf).
-export([main/0, first8/1, first16/1, first32/1]).
%% (first* are exported: with them local-only, OTP 25.2.3 JIT segfaults on this module.)
%% Decoding utf8/utf16/utf32 by matching, including invalid sequences.
main() ->
    erlang:display(dec8(<<"aé€😀"/utf8>>, [])),
    erlang:display(dec16(<<"aé€😀"/utf16>>, [])),
    erlang:display(dec16l(<<"aé€😀"/utf16-little>>, [])),
    erlang:display(dec32(<<"aé€😀"/utf32>>, [])),
    Invalid = [<<16#C0, 16#80>>, <<16#ED, 16#A0, 16#80>>, <<16#F4, 16#90, 16#80, 16#80>>, <<16#80>>,
               <<16#E2, 16#82>>, <<16#FF>>, <<16#F0, 16#9F, 16#98, 16#80>>, <<16#C3, 16#A9>>],
    erlang:display([first8(B) || B <- Invalid]),
    erlang:display([first16(B) || B <- [<<16#D8, 16#00, 16#DC, 16#00>>, <<16#DC, 16#00>>, <<16#D8, 16#00>>, <<0, 65>>]]),
    erlang:display([first32(B) || B <- [<<0, 0, 16#D8, 0>>, <<0, 16#11, 0, 0>>, <<0, 0, 0, 65>>]]),
    erlang:display([C || <<C/utf8>> <= <<"ünïcödé"/utf8>>]),
    <<A/utf8, B/utf8, Rest/binary>> = <<"日本語"/utf8>>,
    erlang:display({A, B, Rest}).

dec8(<<C/utf8, R/binary>>, Acc) -> dec8(R, [C | Acc]);
dec8(<<>>, Acc) -> lists:reverse(Acc).
dec16(<<C/utf16, R/binary>>, Acc) -> dec16(R, [C | Acc]);
dec16(<<>>, Acc) -> lists:reverse(Acc).
dec16l(<<C/utf16-little, R/binary>>, Acc) -> dec16l(R, [C | Acc]);
dec16l(<<>>, Acc) -> lists:reverse(Acc).
dec32(<<C/utf32, R/binary>>, Acc) -> dec32(R, [C | Acc]);
dec32(<<>>, Acc) -> lists:reverse(Acc).

first8(<<C/utf8, _/binary>>) -> C;
first8(_) -> invalid.
first16(<<C/utf16, _/binary>>) -> C;
first16(_) -> invalid.
first32(<<C/utf32, _/binary>>) -> C;
first32(_) -> invalid.
