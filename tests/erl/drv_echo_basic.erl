%% The drv_echo test driver (c-tests/drivers/drv_echo.c): loading with erl_ddll, output in
%% list and binary mode, driver_output2/_binary, term output of every ERL_DRV_* kind,
%% erl_drv_send_term to the caller, port_control (buffer replies, long replies, binary
%% replies, errors), port_call, timers, the driver queue, busy port, port_info.
-module(drv_echo_basic).
-export([main/0]).
-compile(nowarn_unused_function).

main() ->
    %% As under erl -s, where main/0 runs in init, which traps exits.
    process_flag(trap_exit, true),
    erlang:display(erl_ddll:load_driver(dir(), drv_echo)),
    erlang:display(erl_ddll:load_driver(dir(), "drv_echo")),
    {ok, L} = erl_ddll:loaded_drivers(),
    erlang:display(lists:member("drv_echo", L)),
    erlang:display(erl_ddll:info(drv_echo, port_count)),
    P = open_port({spawn, "drv_echo"}, []),
    erlang:display(erl_ddll:info(drv_echo, port_count)),
    erlang:display(erlang:port_info(P, locking)),
    erlang:display(norm(erlang:port_info(P, name), P)),
    port_command(P, "ehello"), show(P, 1),
    port_command(P, ["e", <<"bin">>, [$x]]), show(P, 1),
    port_command(P, "2tail"), show(P, 1),
    port_command(P, "0"), show(P, 1),
    port_command(P, "N"), show(P, 1),
    port_command(P, "bbinary"), show(P, 1),
    port_command(P, "tstr"), show(P, 2),
    port_command(P, "sto_caller"), show(P, 2),
    port_command(P, "c"), show(P, 1),
    port_command(P, "k"), show(P, 3),
    P ! {self(), {command, "evia message"}}, show(P, 1),
    port_command(P, ""), show(P, 1),
    erlang:display(port_control(P, 1, "abc")),
    erlang:display(port_control(P, 1, lists:seq(1, 100))),
    erlang:display(port_control(P, 2, "")),
    erlang:display(port_control(P, 5, "")),
    erlang:display(c(fun() -> port_control(P, 4, "") end)),
    erlang:display(c(fun() -> port_control(P, 99, "") end)),
    erlang:display(port_control(P, 3, "")),
    erlang:display(port_control(P, 1, "xyz")),
    erlang:display(port_control(P, 8, "")),
    erlang:display(port_control(P, 1, "back")),
    erlang:display(erlang:port_call(P, 1, {some, [term, 1.5], <<"bin">>})),
    erlang:display(c(fun() -> erlang:port_call(P, 2, x) end)),
    port_command(P, "T50"), show(P, 1),
    erlang:display(port_control(P, 6, "")),
    show(P, 1),
    erlang:display(port_control(P, 6, "")),
    port_command(P, "T10000"), show(P, 1),
    port_command(P, "C"), show(P, 1),
    erlang:display(port_control(P, 6, "")),
    port_command(P, "qfirst,"), show(P, 1),
    port_command(P, "qsecond"), show(P, 1),
    erlang:display(port_control(P, 7, "")),
    erlang:display(norm(erlang:port_info(P, queue_size), P)),
    port_command(P, "d"), show(P, 3),
    port_command(P, "B1"), show(P, 1),
    erlang:display(port_command(P, "enope", [nosuspend])),
    erlang:display(port_control(P, 9, "")),
    erlang:display(port_command(P, "eyes", [nosuspend])), show(P, 1),
    true = port_close(P),
    rest(P),
    B = open_port({spawn_driver, "drv_echo with args"}, [binary]),
    port_command(B, "ehello"), show(B, 1),
    port_command(B, "2tail"), show(B, 1),
    port_command(B, "0"), show(B, 1),
    port_command(B, "N"), show(B, 1),
    port_command(B, "e"), show(B, 1),
    port_command(B, "bbin"), show(B, 1),
    erlang:display(port_control(B, 5, "")),
    port_close(B),
    rest(B),
    Line = open_port({spawn, "drv_echo"}, [{line, 4}]),
    port_command(Line, "eab\ncdefgh\nij"), show(Line, 3),
    erlang:display(port_control(Line, 5, "")),
    port_close(Line), show(Line, 1),
    rest(Line),
    erlang:display(c(fun() -> open_port({spawn_driver, "drv_echo fail_badarg"}, []) end)),
    erlang:display(c(fun() -> open_port({spawn_driver, "drv_echo fail_errno"}, []) end)),
    erlang:display(c(fun() -> open_port({spawn_driver, "drv_echo fail_general"}, []) end)),
    erlang:display(erl_ddll:info(drv_echo, port_count)),
    erlang:display(erl_ddll:unload_driver(drv_echo)),
    erlang:display(erl_ddll:unload_driver(drv_echo)),
    erlang:display(erl_ddll:unload_driver(drv_echo)),
    ok.

%% --- helpers (each drv_*.erl program carries its own copy) ---
dir() -> os:getenv("BEAM_TEST_DRIVER_DIR").

norm(T, P) when T =:= P -> 'PORT';
norm(T, _) when is_pid(T), T =:= self() -> 'SELF';
norm(T, _) when is_pid(T) -> 'PID';
norm(T, _) when is_port(T) -> 'OTHER_PORT';
norm(T, _) when is_reference(T) -> 'REF';
norm(T, P) when is_list(T) -> norm_list(T, P);
norm(T, P) when is_tuple(T) -> list_to_tuple([norm(E, P) || E <- tuple_to_list(T)]);
norm(T, P) when is_map(T) -> maps:from_list([{norm(K, P), norm(V, P)} || {K, V} <- maps:to_list(T)]);
norm(T, _) -> T.

norm_list([], _) -> [];
norm_list([H | T], P) -> [norm(H, P) | norm_list(T, P)];
norm_list(T, P) -> norm(T, P).

%% Shows the next N messages (normalised), waiting up to 2 s for each.
show(P, N) ->
    [receive M -> erlang:display(norm(M, P)) after 2000 -> erlang:display(timeout) end
     || _ <- lists:seq(1, N)],
    ok.

%% Shows what is left in the mailbox after a short wait.
rest(P) ->
    receive M -> erlang:display({extra, norm(M, P)}), rest(P) after 100 -> ok end.

%% The result of F, or the class and reason of its exception (no stack trace).
c(F) ->
    try F() catch C:R -> {C, R} end.
