-module(display_atom_escapes).
-export([main/0]).
%% erlang:display/1 of atoms with control, latin-1 and non-latin-1 characters:
%% which need quotes, which are escaped (octal for C0/C1 controls) and which are raw UTF-8.
main() ->
    D = fun erlang:display/1,
    [D(list_to_atom([C])) || C <- lists:seq(0, 40) ++ lists:seq(120, 260)],
    [D(list_to_atom([$a, C])) || C <- lists:seq(0, 40) ++ lists:seq(120, 260)],
    [D(list_to_atom([$a, C, $b])) || C <- [$', $\\, $", $\n, $\r, $\t, $\v, $\f, $\b, $\e, 127, 128, 155, 159]],
    [D(list_to_atom(S)) || S <- ["Ελλάδα", "日本語", "a日本", "αβγ", "😀", "a😀", "ÀÉÎ", "àéî",
                                 "ßa", "ÿÿ", "a×b", "a÷b", "aµ", "aª", "a·", "a¿", "aÞ", "þorn"]],
    D({list_to_atom("é x"), [list_to_atom("Ω")], #{list_to_atom("k\n") => list_to_atom("v'")}}),
    D(fun 'Mod X':'f\'n'/1),
    D(fun 'é':ü/0),
    ok.
