-module(iolib_format_directives).
-export([main/0]).
%% io_lib:format directives, displayed as flattened strings.
f(Fmt, Args) -> erlang:display(lists:flatten(io_lib:format(Fmt, Args))).
main() ->
    f("~p", [{a, [1, 2], "str", <<"bin">>, 1.5}]),
    f("~w", [{a, "str", 1.5}]),
    f("~s and ~s", ["string", <<"binary">>]),
    f("~ts", [<<"héllo"/utf8>>]),
    f("~tp", ["héllo"]),
    f("~p", ["héllo"]),
    f("~b ~.16B ~.2b ~.36B ~8.16.0B", [255, 255, 5, 35, 255]),
    f("~x ~.16X", [255, "0x", 255, "#"]),
    f("~e ~f ~g", [3.14159, 3.14159, 3.14159]),
    f("~.2f ~.3e ~10.4f|", [2.0 / 3, 12345.678, 1.5]),
    f("~g ~g ~g", [0.0001, 1.0e10, 123.0]),
    f("~c~c~4c", [$a, $b, $z]),
    f("~10s|~-10s|", ["right", "left"]),
    f("~i~p", [ignored, shown]),
    f("~~ ~n", []),
    f("~p", [lists:seq(1, 30)]),
    f("~P", [lists:seq(1, 30), 5]),
    f("~W", [{a, {b, {c, {d}}}}, 3]),
    f("~p", [#{a => 1, b => [x]}]),
    f("~p", [list_to_tuple(lists:seq(1, 40))]),
    f("~80p", [[{key, "a long string value that goes on"}, {other_key, "another long string value here"}, {third, 3}]]),
    f("~p", ['quoted atom']),
    f("~w ~w", [1.0, 0.1]),
    f("~p", [1.0e-10]),
    f("~s", [[$a, [$b, [$c]], <<"d">>]]),
    f("~.1p", [[1, 2, 3]]),
    f("~5.2.0f", [3.14159]),
    erlang:display(try io_lib:format("~d", [not_int]) catch error:R -> R end).
