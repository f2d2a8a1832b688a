-module(bs_construct_utf).
-export([main/0, id/1]).
%% utf8/utf16/utf32 construction, endianness, invalid code points.
id(X) -> X.
main() ->
    Cs = [0, $a, 127, 128, 16#7FF, 16#800, 16#FFFF, 16#10000, 16#1F600, 16#10FFFF],
    erlang:display([<<C/utf8>> || C <- Cs]),
    erlang:display([<<C/utf16>> || C <- Cs]),
    erlang:display([<<C/utf16-little>> || C <- Cs]),
    erlang:display([<<C/utf32>> || C <- Cs]),
    erlang:display([<<C/utf32-little>> || C <- Cs]),
    erlang:display(<<"héllo"/utf8>>),
    erlang:display(<<"héllo"/utf16>>),
    erlang:display(<<"日本"/utf32-little>>),
    erlang:display([try <<(?MODULE:id(C))/utf8>> catch error:R -> {C, R} end || C <- [-1, 16#D800, 16#DFFF, 16#110000, a, 1.0]]),
    erlang:display([try <<(?MODULE:id(C))/utf16>> catch error:R -> {C, R} end || C <- [16#D800, 16#110000]]),
    erlang:display([try <<(?MODULE:id(C))/utf32>> catch error:R -> {C, R} end || C <- [16#D800, 16#110000]]),
    erlang:display(<<1:1, 16#1F600/utf8>>),
    erlang:display(unicode:characters_to_list(<< <<C/utf8>> || C <- lists:seq(16#3B1, 16#3C9) >>)).
