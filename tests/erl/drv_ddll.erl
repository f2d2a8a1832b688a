%% erl_ddll on drivers that cannot load (no file, no driver_init, failing init, wrong
%% version, wrong name), format_error, reference counting per process, info/2,
%% monitor/2 and demonitor/1, kill_ports on unload.
-module(drv_ddll).
-export([main/0]).
-compile(nowarn_unused_function).

main() ->
    %% As under erl -s, where main/0 runs in init, which traps exits.
    process_flag(trap_exit, true),
    D = dir(),
    erlang:display(erl_ddll:load_driver(D, drv_nonexistent)),
    {error, E1} = erl_ddll:load_driver(D, drv_nonexistent),
    erlang:display(erl_ddll:format_error(E1)),
    [begin
         R = erl_ddll:load_driver(D, N),
         erlang:display({N, R}),
         {error, E} = R,
         erlang:display(erl_ddll:format_error(E))
     end || N <- [drv_noinit, drv_initfail, drv_badver, drv_misnamed]],
    erlang:display(erl_ddll:try_load(D, drv_misnamed, [])),
    erlang:display(c(fun() -> erl_ddll:try_load(D, drv_echo, [bad_option]) end)),
    erlang:display(c(fun() -> erl_ddll:try_load(list_to_atom(D), drv_echo, []) end)),
    erlang:display(c(fun() -> erl_ddll:info(drv_echo, processes) end)),
    erlang:display(erl_ddll:try_unload(drv_echo, [])),
    [erlang:display({A, erl_ddll:format_error(A)})
     || A <- [inconsistent, linked_in_driver, permanent, not_loaded, not_loaded_by_this_process,
              pending_reload, pending_process, load_cancelled]],
    erlang:display(c(fun() -> erl_ddll:format_error_int(foo) end)),
    %% Reference counting.
    erlang:display(erl_ddll:try_load(D, drv_echo, [])),
    erlang:display(erl_ddll:try_load(D, "drv_echo", [])),
    erlang:display(erl_ddll:try_load(D ++ "/", <<"drv_echo">>, [])),
    erlang:display(erl_ddll:try_load(D, drv_echo, [{driver_options, [kill_ports]}])),
    erlang:display(erl_ddll:load_driver(D, drv_echo)),
    erlang:display(norm(erl_ddll:info(drv_echo, processes), x)),
    Self = self(),
    Other = spawn(fun() ->
                          Self ! {loaded, erl_ddll:try_load(D, drv_echo, [])},
                          receive unload -> Self ! {unloaded, erl_ddll:try_unload(drv_echo, [])} end,
                          receive stop -> ok end
                  end),
    receive {loaded, R1} -> erlang:display({other, R1}) end,
    erlang:display(norm(lists:sort(erl_ddll:info(drv_echo, processes)), x)),
    erlang:display(norm(erl_ddll:info(drv_echo), x)),
    erlang:display(erl_ddll:try_unload(drv_echo, [])),
    erlang:display(erl_ddll:try_unload(drv_echo, [])),
    erlang:display(erl_ddll:try_unload(drv_echo, [])),
    erlang:display(norm(erl_ddll:info(drv_echo, processes), x)),
    erlang:display(erl_ddll:try_unload(drv_echo, [])),
    Ref = erl_ddll:monitor(driver, {drv_echo, unloaded}),
    erlang:display(norm(erl_ddll:info(drv_echo, awaiting_unload), x)),
    Other ! unload,
    receive {unloaded, R2} -> erlang:display({other, R2}) end,
    receive {'DOWN', Ref, driver, Name, Tag} -> erlang:display({down, Name, Tag})
    after 2000 -> erlang:display(no_down) end,
    Other ! stop,
    {ok, L} = erl_ddll:loaded_drivers(),
    erlang:display(lists:member("drv_echo", L)),
    erlang:display(c(fun() -> erl_ddll:info(drv_echo, processes) end)),
    %% Monitors.
    R3 = erl_ddll:monitor(driver, {drv_echo, loaded}),
    receive {T3, R3, driver, N3, G3} -> erlang:display({T3, N3, G3}) after 1000 -> erlang:display(none) end,
    ok = erl_ddll:load_driver(D, drv_echo),
    R4 = erl_ddll:monitor(driver, {"drv_echo", loaded}),
    receive {T4, R4, driver, N4, G4} -> erlang:display({T4, N4, G4}) after 1000 -> erlang:display(none) end,
    R5 = erl_ddll:monitor(driver, {drv_echo, unloaded}),
    erlang:display(erl_ddll:demonitor(R5)),
    erlang:display(norm(erl_ddll:info(drv_echo, awaiting_unload), x)),
    erlang:display(c(fun() -> erl_ddll:demonitor(not_a_ref) end)),
    erlang:display(c(fun() -> erl_ddll:monitor(driver, {drv_echo, sometime}) end)),
    erlang:display(c(fun() -> erl_ddll:monitor(process, {drv_echo, loaded}) end)),
    %% kill_ports: unloading kills the driver's ports.
    process_flag(trap_exit, true),
    P = open_port({spawn, "drv_echo"}, []),
    PRef = erlang:monitor(port, P),
    erlang:display(erl_ddll:info(drv_echo, port_count)),
    erlang:display(erl_ddll:unload_driver(drv_echo)),
    receive {'DOWN', PRef, port, _, Why} -> erlang:display({port_down, Why}) after 2000 -> erlang:display(no_port_down) end,
    receive {'EXIT', P, Why2} -> erlang:display({port_exit, Why2}) after 500 -> erlang:display(no_port_exit) end,
    erlang:display(erlang:port_info(P)),
    {ok, L2} = erl_ddll:loaded_drivers(),
    erlang:display(lists:member("drv_echo", L2)),
    %% Without kill_ports, the unload waits for the last port.
    {ok, loaded} = erl_ddll:try_load(D, drv_echo, []),
    Q = open_port({spawn, "drv_echo"}, []),
    erlang:display(erl_ddll:try_unload(drv_echo, [{monitor, pending_driver}]) =/= error),
    {ok, L3} = erl_ddll:loaded_drivers(),
    erlang:display(lists:member("drv_echo", L3)),
    port_command(Q, "estill working"), show(Q, 1),
    port_close(Q),
    receive {'DOWN', _, driver, N6, G6} -> erlang:display({down, N6, G6}) after 2000 -> erlang:display(no_down) end,
    {ok, L4} = erl_ddll:loaded_drivers(),
    erlang:display(lists:member("drv_echo", L4)),
    rest(x),
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
