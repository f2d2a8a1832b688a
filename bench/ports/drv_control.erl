-module(drv_control).
-export([main/0]).
%% 1,000,000 port_control round trips to a C driver (c-tests/drivers/drv_echo.c, loaded from
%% BENCH_DRIVER_DIR). Prints the time (measured inside the VM) in microseconds.
-define(N, 1000000).
main() ->
    ok = erl_ddll:load_driver(os:getenv("BENCH_DRIVER_DIR"), "drv_echo"),
    P = open_port({spawn_driver, "drv_echo"}, []),
    T0 = erlang:monotonic_time(microsecond),
    ok = loop(P, ?N),
    T1 = erlang:monotonic_time(microsecond),
    port_close(P),
    io:format("~p~n", [{drv_control, ?N, T1 - T0}]).

loop(_P, 0) -> ok;
loop(P, K) ->
    "cba" = port_control(P, 1, "abc"),
    loop(P, K - 1).
