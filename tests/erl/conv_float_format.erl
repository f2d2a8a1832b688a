-module(conv_float_format).
-export([main/0]).
%% float_to_list/1,2 and float_to_binary/1,2 with decimals, scientific, compact and short.
main() ->
    Fs = [0.0, -0.0, 1.0, -1.5, 0.1, 1/3, 123456.789, 1.0e20, 1.0e-20, 5.0e-324, 1.7976931348623157e308, 2.5, 100.0],
    erlang:display([float_to_list(F) || F <- Fs]),
    erlang:display([float_to_list(F, [short]) || F <- Fs]),
    erlang:display([float_to_binary(F, [short]) || F <- Fs]),
    erlang:display([float_to_list(F, [{decimals, 3}]) || F <- Fs, abs(F) < 1.0e19]),
    erlang:display([float_to_list(F, [{decimals, 3}, compact]) || F <- Fs, abs(F) < 1.0e19]),
    erlang:display([float_to_list(F, [{scientific, 2}]) || F <- Fs]),
    erlang:display([float_to_binary(F, [{scientific, 10}]) || F <- Fs]),
    erlang:display([float_to_binary(F, [{decimals, 0}]) || F <- [0.5, 1.5, 2.5, -0.5, 0.49999]]),
    erlang:display([float_to_list(1.23456789, [{decimals, D}]) || D <- [0, 1, 5, 10, 20]]),
    erlang:display([float_to_list(F, [{decimals, 10}, compact]) || F <- [1.5, 0.1, 100.0, 1.0e-5]]),
    erlang:display(float_to_binary(123.456)),
    erlang:display([try float_to_list(1.0, O) catch error:R -> R end || O <- [[{decimals, 254}], [{decimals, 254}, compact], [{scientific, 250}], [bad]]]),
    erlang:display([try float_to_list(X) catch error:R -> R end || X <- [1, a]]),
    erlang:display([float_to_list(F, [short]) || F <- [0.30000000000000004, 1.0e23, 9007199254740993.0, 123.0e-7, 1.0e-7, 1.0e21, 1.0e22]]).
