-module(display_strings).
-export([main/0]).
%% erlang:display of lists: when it prints as a string and how characters are escaped.
main() ->
    D = fun erlang:display/1,
    [D(L) || L <- ["abc", "a\nb", "a\tb", "a\rb", "a\\b", "a\"b", "a'b", "\e", "\v\f\b", [0], [31], [32],
                   [126], [127], [128], [160], [255], [256], [1000], "\x{1F600}", "aé", [$a, 200],
                   [$a, -1], [$a, 1.0], [10], [13, 10], "~p ~s", "a\0b", [7], [8], [9], [11], [12], [27]]],
    D(binary_to_list(<<"plain ascii text">>)),
    D(lists:seq(32, 126)),
    D(lists:seq(0, 40)).
