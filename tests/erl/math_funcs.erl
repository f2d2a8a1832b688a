-module(math_funcs).
-export([main/0]).
%% math module (BIFs) on fixed inputs; errors for domain violations.
main() ->
    erlang:display(math:pi()),
    erlang:display([math:sqrt(2), math:sqrt(16), math:pow(2, 10), math:pow(2.5, 1.5)]),
    erlang:display([math:sin(0.5), math:cos(0.5), math:tan(0.5)]),
    erlang:display([math:asin(0.5), math:acos(0.5), math:atan(0.5), math:atan2(1, -1)]),
    erlang:display([math:sinh(1), math:cosh(1), math:tanh(1), math:asinh(1), math:acosh(2), math:atanh(0.5)]),
    erlang:display([math:exp(1), math:log(10), math:log2(1024), math:log10(1000)]),
    erlang:display([math:floor(-2.5), math:ceil(-2.5), math:fmod(7.5, 2), math:fmod(-7.5, 2)]),
    erlang:display([math:erf(0.5), math:erfc(0.5)]),
    show(catch math:sqrt(-1)),
    show(catch math:log(0)),
    show(catch math:acos(2)),
    show(catch math:pow(10, 400)),
    show(catch math:sqrt(a)).

%% Displays a catch result without the frames of init (the real erl's -s caller).
show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).
