-module(bs_match_float).
-export([main/0]).
%% Matching float segments of 16/32/64 bits; NaN and infinity do not match.
main() ->
    erlang:display(f64(<<1.5/float>>)),
    erlang:display(f64(<<1.5:64/float-little>>)),
    <<F32:32/float>> = <<3.25:32/float>>, erlang:display(F32),
    <<F16:16/float>> = <<0.5:16/float>>, erlang:display(F16),
    <<F16b:16/float-little>> = <<16#3C00:16/little>>, erlang:display(F16b),
    erlang:display(f64(<<16#7FF0000000000000:64>>)),
    erlang:display(f64(<<16#7FF8000000000000:64>>)),
    erlang:display(f64(<<16#FFF0000000000000:64>>)),
    erlang:display(f32(<<16#7F800000:32>>)),
    erlang:display(f32(<<16#00000001:32>>)),
    erlang:display(f64(<<16#0000000000000001:64>>)),
    erlang:display(f64(<<16#8000000000000000:64>>)),
    erlang:display([X || <<X:32/float>> <= <<1.0:32/float, 2.0:32/float, 16#7FC00000:32, 3.0:32/float>>]),
    erlang:display(f64(<<1:1, 0:63>>)).

f64(<<F:64/float>>) -> {float, F};
f64(<<F:64/float-little>>) -> {little, F};
f64(_) -> nomatch.
f32(<<F:32/float>>) -> F;
f32(_) -> nomatch.
