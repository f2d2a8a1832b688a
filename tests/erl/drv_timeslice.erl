%% erl_drv_consume_timeslice from a port_control callback of the drv_echo test driver
%% (c-tests/drivers/drv_echo.c, control 10): how many reports of P percent use up a time
%% slice, percents out of range clamped, the count starting over in each callback, also
%% after output and a driver timer.
-module(drv_timeslice).
-export([main/0]).

main() ->
    ok = erl_ddll:load_driver(dir(), "drv_echo"),
    P = open_port({spawn_driver, "drv_echo"}, []),
    C = fun(Arg) -> port_control(P, 10, Arg) end,
    erlang:display([C([Pct]) || Pct <- [1, 2, 3, 7, 25, 30, 33, 34, 50, 51, 99, 100]]),
    erlang:display([C([30]), C([30]), C([30])]),
    %% Out of range: 0 and negative count as 1, above 100 as 100.
    erlang:display([C([0]), C([5, 1]), C([101]), C([255])]),
    port_command(P, "eabc"),
    receive {P, {data, D}} -> erlang:display(D) end,
    erlang:display([C([30]), C([50])]),
    port_command(P, "T10"),
    receive {set_timer, _} = S -> erlang:display(S) end,
    receive timeout -> erlang:display(timeout) after 1000 -> erlang:display(no_timeout) end,
    erlang:display([C([30]), C([20])]),
    port_close(P),
    ok.

dir() ->
    os:getenv("BEAM_TEST_DRIVER_DIR").
