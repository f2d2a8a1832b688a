-module(strings_basic).
-export([main/0]).
%% Strings as lists: literals, escapes, ++, --, char literals, unicode code points.
main() ->
    S = "hello",
    erlang:display(S ++ " " ++ "world"),
    erlang:display("abcdef" -- "bdf"),
    erlang:display("aabbcc" -- "abc"),
    erlang:display([$a, $b, $\n, $\t, $\\, $", $']),
    erlang:display("tab\there"),
    erlang:display("esc\e del\d bs\b ff\f vt\v nul\0 end"),
    erlang:display("\x41\x{42}\101\^A"),
    erlang:display("\x{1F600} \x{e9}\x{20ac}"),
    erlang:display(length("\x{1F600}")),
    erlang:display(lists:reverse(S)),
    erlang:display(string_upper(S)),
    erlang:display([C || C <- "Hello World", C >= $A, C =< $Z]),
    erlang:display(is_list(S)),
    erlang:display("" =:= []),
    erlang:display("abc" < "abd"),
    erlang:display("abc" < "ab"),
    erlang:display([$a | "bc"]),
    erlang:display(lists:concat([a, "b", 1, 2.5])),
    erlang:display(lists:flatten(["a", ["b", ["c"]], "d"])),
    erlang:display(tl("xyz")),
    erlang:display("multi" "part" "literal"),
    erlang:display([1, 2, 3] ++ "a"),
    erlang:display([127, 128, 255, 256]),
    erlang:display([31, 32]).

string_upper(S) -> [if C >= $a, C =< $z -> C - 32; true -> C end || C <- S].
