-module(conv_integer_list).
-export([main/0]).
%% integer_to_list/1,2, list_to_integer/1,2, integer_to_binary/1,2, binary_to_integer/1,2.
main() ->
    Ns = [0, 1, -1, 255, -255, 1 bsl 64, -(1 bsl 100), 123456789],
    erlang:display([integer_to_list(N) || N <- Ns]),
    erlang:display([integer_to_list(255, B) || B <- [2, 8, 10, 16, 36]]),
    erlang:display([integer_to_list(-(1 bsl 70), B) || B <- [2, 16, 36]]),
    erlang:display([integer_to_binary(N, 16) || N <- Ns]),
    erlang:display([integer_to_binary(N) || N <- Ns]),
    erlang:display([list_to_integer(S) || S <- ["0", "-0", "+17", "007", "123456789012345678901234567890", "-99"]]),
    erlang:display([list_to_integer(S, B) || {S, B} <- [{"ff", 16}, {"FF", 16}, {"-1010", 2}, {"zz", 36}, {"Zz", 36}, {"777", 8}]]),
    erlang:display([binary_to_integer(S) || S <- [<<"42">>, <<"-42">>, <<"+1">>, <<"18446744073709551616">>]]),
    erlang:display([binary_to_integer(S, B) || {S, B} <- [{<<"ff">>, 16}, {<<"-7fffffffffffffffffff">>, 16}]]),
    Bad = ["", "-", "1.0", "abc", " 1", "1 ", [$1 | x]],
    erlang:display([try list_to_integer(S) catch error:R -> R end || S <- Bad]),
    erlang:display([try binary_to_integer(S) catch error:R -> R end || S <- [<<>>, <<"1x">>, <<"--1">>]]),
    erlang:display([try integer_to_list(10, B) catch error:R -> R end || B <- [1, 37, a]]),
    erlang:display([try list_to_integer("12", B) catch error:R -> R end || B <- [1, 37, 2]]),
    erlang:display(try integer_to_list(1.0) catch error:R:St -> {R, hd(St)} end),
    erlang:display(length(integer_to_list(1 bsl 3000))),
    erlang:display(list_to_integer(integer_to_list(1 bsl 3000)) =:= 1 bsl 3000).
