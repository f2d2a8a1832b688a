-module(iolib_misc).
-export([main/0]).
%% io_lib:write/print/fwrite/write_atom/write_string/char_list/format with width and nl.
main() ->
    D = fun(X) -> erlang:display(lists:flatten(X)) end,
    D(io_lib:write({a, "b", [c]})),
    D(io_lib:write(lists:seq(1, 10), 3)),
    D(io_lib:print({a, "b", [c]})),
    D(io_lib:fwrite("~w-~w", [1, 2])),
    D(io_lib:write_atom('hello world')),
    D(io_lib:write_atom(ok)),
    D(io_lib:write_string("quote\"d")),
    D(io_lib:write_char($a)),
    D(io_lib:write_latin1_string("abc")),
    erlang:display(io_lib:char_list("abc")),
    erlang:display(io_lib:char_list([a])),
    erlang:display(io_lib:deep_char_list(["a", ["b"]])),
    erlang:display(io_lib:printable_list("abc\n")),
    D(io_lib:nl()),
    erlang:display(io_lib:indentation("  ab", 4)),
    erlang:display(io_lib:fread("~d ~s", "42 hello")),
    erlang:display(io_lib:fread("~f", "1.5")),
    D(io_lib:format("~*c", [5, $x])),
    D(io_lib:format("~-*.*s|", [8, 3, "abcdef"])),
    D(io_lib:format("~p", [{<<1:3>>, <<"x">>, -0.0, 1 bsl 70}])),
    D(io_lib:format("~w", [#{1 => [2], three => <<4>>}])),
    D(io_lib:format("~p", [maps:from_list([{I, I} || I <- lists:seq(1, 35)])])).
