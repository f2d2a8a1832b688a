-module(conv_float_parse).
-export([main/0]).
%% list_to_float/1, binary_to_float/1 and their errors.
main() ->
    erlang:display([list_to_float(S) || S <- ["1.0", "-1.5", "1.0e10", "1.5E-3", "+2.0", "0.1", "123456789.123456789", "1.0e308", "2.2250738585072014e-308"]]),
    erlang:display([binary_to_float(S) || S <- [<<"3.14">>, <<"-0.0">>, <<"1.0e-5">>]]),
    erlang:display([try list_to_float(S) catch error:R -> R end || S <- ["1", "1.", ".5", "1e5", "abc", "1.0e999", "1.0x", ""]]),
    erlang:display([try binary_to_float(S) catch error:R -> R end || S <- [<<"1">>, <<"1.0 ">>, <<>>]]),
    erlang:display(try list_to_float(a) catch error:R:St -> {R, hd(St)} end).
