%% erl_ddll and the linked-in drivers: they are listed first by loaded_drivers/0 (this
%% runtime has tcp_inet, udp_inet, ram_file_drv and tty_sl of OTP's list), info/2 answers
%% linked_in_driver for them, and loading or unloading one is refused. A badarg from an
%% erl_ddll BIF has no error_info (OTP adds one only for the BIFs of some modules).
-module(drv_ddll_linked_in).
-export([main/0]).

main() ->
    {ok, L0} = erl_ddll:loaded_drivers(),
    Ours = ["tcp_inet", "udp_inet", "ram_file_drv", "tty_sl"],
    erlang:display([lists:member(D, L0) || D <- Ours]),
    erlang:display([D || D <- L0, lists:member(D, Ours)]),
    erlang:display(lists:member("spawn", L0)),
    Items = [processes, driver_options, port_count, linked_in_driver, permanent,
             awaiting_load, awaiting_unload],
    erlang:display([erl_ddll:info("tcp_inet", I) || I <- Items]),
    erlang:display([erl_ddll:info(udp_inet, I) || I <- Items]),
    erlang:display(erl_ddll:info("tty_sl")),
    erlang:display([erl_ddll:info("ram_file_drv", I) || I <- Items]),
    erlang:display([top(fun() -> erl_ddll:info(N, I) end)
                    || {N, I} <- [{"tcp_inet", bogus}, {"spawn", port_count},
                                  {"no_such_drv", processes}, {42, processes}]]),
    erlang:display([erl_ddll:try_unload("tcp_inet", []),
                    erl_ddll:try_load("/no/such/dir", "tcp_inet", []),
                    erl_ddll:try_load(dir(), "udp_inet", []),
                    erl_ddll:unload_driver("udp_inet"),
                    erl_ddll:unload("tty_sl")]),
    ok = erl_ddll:load_driver(dir(), "drv_echo"),
    {ok, L1} = erl_ddll:loaded_drivers(),
    erlang:display(lists:last(L1)),
    erlang:display(erl_ddll:info("drv_echo", linked_in_driver)),
    ok = erl_ddll:unload_driver("drv_echo"),
    erlang:display(top(fun() -> erl_ddll:info("drv_echo", port_count) end)),
    ok.

%% The exception and what the top frame of its stack trace says about it.
top(F) ->
    try F() of
        V -> {value, V}
    catch C:R:St ->
        [{M, Fn, Args, Info} | _] = St,
        {C, R, {M, Fn, length(Args)}, proplists:get_value(error_info, Info, none)}
    end.

dir() ->
    os:getenv("BEAM_TEST_DRIVER_DIR").
