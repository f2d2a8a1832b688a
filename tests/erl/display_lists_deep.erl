-module(display_lists_deep).
-export([main/0]).
%% erlang:display/1 of lists (strings vs. lists, improper lists, unicode code points) and of
%% very deeply nested lists, tuples and maps.
main() ->
    D = fun erlang:display/1,
    [D(L) || L <- [[], [[]], "a", [$a | $b], [$a, $b | "c"], [1 | []], [a | b], [[a] | [b]],
                   ["ab" | "cd"], [[97] | 98], [a | <<"b">>], "\x{100}", [$a, 256], [255, 254],
                   "tab\there", "cr\rlf\n", "quote\"", "back\\", [$a, 128], [$a, 159], [$a, 160],
                   "ÿ", "\x{1F600}", [$a, -1], [$a, 1.0], [$a, a], [$a, "b"], [$a, <<"b">>]]],
    D(lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 100000))),
    D(lists:foldl(fun(_, A) -> {A, 1} end, [], lists:seq(1, 100000))),
    D(lists:foldl(fun(I, A) -> [I | A] end, x, lists:seq(1, 1000))),
    D(lists:foldl(fun(_, A) -> [A | A] end, [], lists:seq(1, 12))),
    D(lists:foldl(fun(I, A) -> #{I => A} end, [], lists:seq(1, 10000))),
    D(lists:seq(1, 20000)),
    ok.
