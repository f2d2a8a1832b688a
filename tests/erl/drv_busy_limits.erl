%% Busy limits of a dynamic driver's port (drv_echo, c-tests/drivers/drv_echo.c, control
%% 11): the busy message queue limits the driver sees (the default, {busy_limits_msgq, _}
%% given to open_port, disabled, a low limit above the high one, what
%% erl_drv_busy_msgq_limits sets), and the options a driver port refuses.
-module(drv_busy_limits).
-export([main/0]).

main() ->
    ok = erl_ddll:load_driver(dir(), "drv_echo"),
    Limits = fun(Opts) ->
        P = open_port({spawn_driver, "drv_echo"}, Opts),
        R = port_control(P, 11, []),
        port_close(P),
        R
    end,
    erlang:display([Limits([]),
                    Limits([{busy_limits_msgq, {100, 200}}]),
                    Limits([{busy_limits_msgq, disabled}]),
                    Limits([{busy_limits_msgq, {300, 200}}]),
                    Limits([{busy_limits_msgq, {1, 1}}, {busy_limits_msgq, {7, 9}}])]),
    P = open_port({spawn_driver, "drv_echo"}, []),
    erlang:display([port_control(P, 11, "5,10"), port_control(P, 11, []),
                    port_control(P, 11, "50,10"), port_control(P, 11, "0,0")]),
    port_close(P),
    Refused = fun(Opts) ->
        try open_port({spawn_driver, "drv_echo"}, Opts) of
            Q -> port_close(Q), opened
        catch error:badarg:St ->
            [{erlang, open_port, _, Info} | _] = St,
            {badarg, proplists:get_value(error_info, Info)}
        end
    end,
    erlang:display([Refused([{busy_limits_msgq, {0, 10}}]),
                    Refused([{busy_limits_msgq, on}]),
                    Refused([{busy_limits_port, {1, 2}}]),
                    Refused([{busy_limits_port, disabled}])]),
    ok.

dir() ->
    os:getenv("BEAM_TEST_DRIVER_DIR").
