-module(float_special).
-export([main/0, id/1]).
%% Float edge cases: signed zero, subnormals, rounding of conversions, huge/small values, float_to_list round trips.
id(X) -> X.
main() ->
    erlang:display([0.0, -0.0, ?MODULE:id(0.0) * -1, -?MODULE:id(0.0)]),
    erlang:display([0.0 == -0.0, 0.0 =:= -0.0, erlang:phash2(0.0), erlang:phash2(-0.0)]),
    erlang:display(term_to_binary(-0.0)),
    erlang:display([5.0e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308]),
    erlang:display([float_to_list(X, [short]) || X <- [5.0e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 100.0, 1.0e22, 1.0e21, 123456789012345680.0]]),
    erlang:display([list_to_float(float_to_list(X)) =:= X || X <- [0.1, 1 / 3, 5.0e-324, 1.0e300]]),
    erlang:display([round(X) || X <- [0.5, 1.5, 2.5, -0.5, -1.5, 4503599627370495.5]]),
    erlang:display([trunc(X) || X <- [1.0e18, 1.0e19, -1.0e19, 9.999999999999999e22]]),
    erlang:display(1.0e19 == 10000000000000000000),
    erlang:display(float(10000000000000000001)),
    erlang:display(float(-(1 bsl 1023))),
    erlang:display([1.0 / 3.0 * 3.0, 0.1 * 3, 1.0e-300 * 1.0e-300]),
    erlang:display(lists:sum([0.1 || _ <- lists:seq(1, 10)])),
    erlang:display([X / 7 || X <- [1, 10, 100, 1000]]),
    erlang:display([math:pow(2, 0.5), math:sqrt(0.0), math:sqrt(-0.0)]),
    erlang:display([abs(-0.0), -0.0 + 0.0, 0.0 - 0.0]).
