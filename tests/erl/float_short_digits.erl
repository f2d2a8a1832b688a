%% float_to_binary/2 and float_to_list/2 with [short]: OTP's shortest round-trip digits for a
%% million pseudo-random doubles (any bit pattern, denormals, integers scaled by powers of ten,
%% ordinary magnitudes). Each block of 50,000 is printed as a digest of its texts, with a few
%% samples, so a mismatch shows where it is.
-module(float_short_digits).
-export([main/0]).

-define(BLOCKS, 10).
-define(PER_BLOCK, 50000).

main() ->
    S0 = rand:seed_s(exsss, {17, 4711, 99}),
    lists:foldl(fun(Block, S) -> block(Block, S) end, S0, lists:seq(1, ?BLOCKS)),
    Edge = [0.0, -0.0, 5.0e-324, -5.0e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
            1.7976931348623157e308, 1.0e23, 9007199254740992.0, 9007199254740993.0, 0.1, 0.3,
            1.0e-5, 1.0e-4, 123456.0, 1.0e15, 1.0e16, 1.0e17, 1.0e21, 1.0e22, 4.35, 0.000123],
    erlang:display([float_to_binary(F, [short]) || F <- Edge]),
    erlang:display([float_to_list(F, [short]) || F <- Edge]),
    ok.

block(Block, S0) ->
    {Fs, S} = floats(?PER_BLOCK, S0, []),
    Bins = [float_to_binary(F, [short]) || F <- Fs],
    Lists = [float_to_list(F, [short]) || F <- Fs],
    Same = Lists =:= [binary_to_list(B) || B <- Bins],
    RoundTrip = lists:all(fun({F, B}) -> binary_to_float(B) =:= F end, lists:zip(Fs, Bins)),
    erlang:display({Block, erlang:md5(Bins), Same, RoundTrip, lists:sublist(Bins, 3)}),
    S.

floats(0, S, Acc) -> {Acc, S};
floats(N, S0, Acc) ->
    {R, S1} = rand:uniform_s(S0),
    {F, S} = pick(R, S1),
    case is_finite(F) of
        true -> floats(N - 1, S, [F | Acc]);
        false -> floats(N, S, Acc)
    end.

pick(R, S0) when R < 0.5 ->
    {X, S} = rand:uniform_s(1 bsl 64, S0),
    {bits_to_float(X - 1), S};
pick(R, S0) when R < 0.7 ->
    {X, S} = rand:uniform_s(1 bsl 52, S0),
    {bits_to_float(X - 1), S};
pick(R, S0) when R < 0.85 ->
    {X, S} = rand:uniform_s(S0),
    {(X - 0.5) * 2.0e6, S};
pick(_, S0) ->
    {M, S1} = rand:uniform_s(1 bsl 56, S0),
    {E, S} = rand:uniform_s(61, S1),
    {float(M) * math:pow(10, E - 31), S}.

bits_to_float(X) ->
    case <<X:64>> of
        <<F:64/float>> -> F;
        _ -> nan
    end.

is_finite(F) when is_float(F) -> true;
is_finite(_) -> false.
