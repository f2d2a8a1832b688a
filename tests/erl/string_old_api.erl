-module(string_old_api).
-export([main/0]).
%% Obsolete-but-present string API: tokens, join, substr, strip, chr, str, to_upper, words, centre.
main() ->
    erlang:display(string:tokens("a b,c;d", " ,;")),
    erlang:display(string:join(["x", "y", "z"], "--")),
    erlang:display(string:substr("hello world", 7)),
    erlang:display(string:substr("hello world", 1, 5)),
    erlang:display(string:strip("  pad  ")),
    erlang:display(string:strip("xxpadxx", both, $x)),
    erlang:display(string:chr("hello", $l)),
    erlang:display(string:rchr("hello", $l)),
    erlang:display(string:str("hello world", "wor")),
    erlang:display(string:rstr("abcabc", "bc")),
    erlang:display(string:to_upper("MiXeD 123")),
    erlang:display(string:to_lower("MiXeD 123")),
    erlang:display(string:words("one two  three")),
    erlang:display(string:sub_word("one two three", 2)),
    erlang:display(string:centre("ab", 6)),
    erlang:display(string:left("ab", 5, $.)),
    erlang:display(string:right("ab", 5, $.)),
    erlang:display(string:copies("ab", 3)),
    erlang:display(string:span("aabbcc", "ab")),
    erlang:display(string:cspan("aabbcc", "c")),
    erlang:display(string:len("four")),
    erlang:display(string:concat("con", "cat")).
