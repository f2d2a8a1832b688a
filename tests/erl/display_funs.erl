-module(display_funs).
-export([main/0, f/1]).
%% erlang:display/1 of funs: local funs as #Fun<Module.Index.Uniq>, external funs as
%% fun M:F/A with quoted atoms; and the return value and errors of the display BIFs.
main() ->
    D = fun erlang:display/1,
    X = 5,
    D(fun(Y) -> X + Y end),
    D(fun() -> ok end),
    D([fun(A, B) -> {A, B, X} end, fun f/1]),
    D(fun ?MODULE:f/1), D(fun lists:map/2), D(fun erlang:'+'/2), D(fun 'Mod X':'f\'n'/1),
    D(fun 'é':ü/0), D(fun m:'Q'/255), D({fun f/1, #{fun f/1 => fun ?MODULE:f/1}}),
    D(D(x)),
    D(erlang:display_string("")),
    D(erlang:display_nl()),
    D([try erlang:display_string(S) catch error:R:St -> {R, hd(St)} end
       || S <- [[-1], [16#D800], [16#110000], [$a | b], <<"b">>, ["ab"], atom, 1.0]]),
    ok.

f(X) -> X.
