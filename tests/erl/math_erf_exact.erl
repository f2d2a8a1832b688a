-module(math_erf_exact).
-export([main/0, id/1]).

%% math:erf/1 and math:erfc/1 to the last bit (the real VM calls the C library's erf and
%% erfc; erlang:display/1 shows only seven digits, so the shortest round-trip form is printed).
%% The compiler folds calls with literal arguments, so a difference here also changes the
%% bytes of .beam files that such code compiles to.
main() ->
    Xs = [0.0, -0.0, 1.0e-10, 0.1, 0.3, -0.3, 0.5, 0.8, 1.0, -1.0, 1.5, 2.0, 3.0, 4.5, 6.0,
          10.0, 27.5, -27.5, 30.0, 1.0e300],
    [show(X) || X <- Xs],
    ok.

show(X0) ->
    X = ?MODULE:id(X0),
    io:format("~s erf=~s erfc=~s~n", [short(X), short(math:erf(X)), short(math:erfc(X))]).

short(F) -> float_to_list(F, [short]).

id(X) -> X.
