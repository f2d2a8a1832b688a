%% The drv_sel test driver (c-tests/drivers/drv_sel.c): driver_select on a pipe with
%% ERL_DRV_USE and stop_select, ready_input/ready_output, and driver_async jobs whose
%% results come back through ready_async, in order for one key.
-module(drv_select_async).
-export([main/0]).
-compile(nowarn_unused_function).

main() ->
    %% As under erl -s, where main/0 runs in init, which traps exits.
    process_flag(trap_exit, true),
    ok = erl_ddll:load_driver(dir(), drv_sel),
    P = open_port({spawn, "drv_sel"}, [binary]),
    port_command(P, "wthrough the pipe"), show(P, 2),
    port_command(P, "wagain"), show(P, 2),
    port_command(P, "o"), show(P, 2),
    port_command(P, "a5"), show(P, 5),
    port_command(P, "c"), show(P, 1),
    port_command(P, "wnot read"), show(P, 1),
    port_close(P), rest(P),
    Q = open_port({spawn, "drv_sel"}, []),
    port_command(Q, "wsecond port"), show(Q, 2),
    port_close(Q), rest(Q),
    erlang:display(erl_ddll:unload_driver(drv_sel)),
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
