-module(float_abs_negzero).
-export([main/0, id/1]).

%% abs/1 of floats in OTP 25 negates only values below zero: abs(-0.0) stays -0.0. The
%% compiler folds abs/1 of a literal, so this also decides the bytes erlc writes.
main() ->
    Xs = [0.0, -0.0, 1.5, -1.5, -1.0e-320, -1.7976931348623157e308],
    [io:format("~w -> ~w ~s~n", [X, abs(?MODULE:id(X)), float_to_list(abs(?MODULE:id(X)), [short])])
     || X <- Xs],
    %% In a guard, as gc_bif.
    G = fun(Y) when abs(Y) == 0.0 -> {zero, abs(Y)}; (Y) -> {other, abs(Y)} end,
    io:format("~w~n", [[G(?MODULE:id(X)) || X <- Xs]]),
    %% Folded by the compiler into a literal.
    io:format("~w~n", [[abs(-0.0), abs(0.0), abs(-2.0)]]),
    ok.

id(X) -> X.
