%% Integer arithmetic around the 64-bit boundaries (values a one-limb bignum holds, which
%% take the runtime's i128 paths): every operator on pairs of edge values, and the printed
%% forms.
-module(arith_int64_edges).
-export([main/0]).

edges() ->
    P59 = 1 bsl 59, P63 = 1 bsl 63, P64 = 1 bsl 64,
    [0, 1, -1, 12345, P59 - 1, P59, -P59, -P59 - 1, P63 - 1, P63, -P63, -P63 - 1, -P63 + 1,
     P64 - 1, P64, -P64, -P64 + 1, P64 + 1, 1103515245 * 2147483647].

safe(F) -> try F() catch error:R -> {error, R} end.

main() ->
    E = edges(),
    Ops = [fun(A, B) -> A + B end, fun(A, B) -> A - B end, fun(A, B) -> A * B end,
           fun(A, B) -> A div B end, fun(A, B) -> A rem B end, fun(A, B) -> A band B end,
           fun(A, B) -> A bor B end, fun(A, B) -> A bxor B end],
    [erlang:display([erlang:phash2([safe(fun() -> Op(A, B) end) || B <- E]) || A <- E])
     || Op <- Ops],
    erlang:display([[safe(fun() -> Op(A, B) end) || B <- [-1, 1, 2]] || A <- E,
                    Op <- [fun(X, Y) -> X div Y end, fun(X, Y) -> X rem Y end]]),
    erlang:display([{-A, abs(A), bnot A, trunc(A), A bsr 1, A bsl 1, A bsr 63, A bsr 64,
                     A bsr -1, integer_to_list(A), integer_to_list(A, 16), float(A)}
                    || A <- E]),
    erlang:display([safe(fun() -> A bsr B end)
                    || A <- E, B <- [-(1 bsl 63), (1 bsl 63) - 1, -(1 bsl 63) + 1]]),
    erlang:display([safe(fun() -> A bsl B end)
                    || A <- [0, 1, -1], B <- [-(1 bsl 63), -64, 62, 63, 64]]),
    erlang:display([{A < B, A == B, A =:= B} || A <- E, B <- [1 bsl 63, -(1 bsl 63), 1.0e19]]),
    erlang:display(lists:sort(E)),
    ok.
