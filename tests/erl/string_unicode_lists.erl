-module(string_unicode_lists).
-export([main/0]).
%% Unicode strings as lists and binaries: code points, conversions, sorting, atoms from unicode.
main() ->
    S = "Zoë 😀 日本 ünï",
    erlang:display(S),
    erlang:display(length(S)),
    B = unicode:characters_to_binary(S),
    erlang:display(B),
    erlang:display(byte_size(B)),
    erlang:display(unicode:characters_to_list(B) =:= S),
    erlang:display(lists:sort(["ü", "u", "z", "é", "e"])),
    erlang:display(string:uppercase(S)),
    erlang:display([C || C <- S, C > 255]),
    erlang:display(list_to_atom("ünï")),
    erlang:display(atom_to_binary(list_to_atom("😀"))),
    erlang:display(string:to_graphemes("e\x{301}a")),
    erlang:display(lists:reverse(S)),
    erlang:display(io_lib:format("~ts", [S]) =/= []).
