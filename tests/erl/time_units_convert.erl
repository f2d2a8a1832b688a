-module(time_units_convert).
-export([main/0]).
%% erlang:convert_time_unit/3 between every unit (native and perf_counter included) and
%% timer:tc/1, which uses it.
main() ->
    [erlang:display({catch erlang:convert_time_unit(1000000000, F, T)}) || F <- [native, second, millisecond, microsecond, nanosecond, perf_counter, 1000, seconds], T <- [native, microsecond, millisecond, second, 1000, perf_counter]],
    {T, V} = timer:tc(fun() -> ok end),
    erlang:display({is_integer(T), V}).
