%% How a driver ends its port (c-tests/drivers/drv_echo.c): driver_failure_atom,
%% driver_failure_posix, driver_failure (an integer, and 0 = end of file),
%% driver_failure_eof with and without the eof option, driver_exit (which unlinks the
%% owner first), what links and monitors see, and driver monitors of processes.
-module(drv_failures).
-export([main/0]).
-compile(nowarn_unused_function).

main() ->
    process_flag(trap_exit, true),
    ok = erl_ddll:load_driver(dir(), drv_echo),
    lists:foreach(fun try_cmd/1,
                  ["fboom", "p", "n", "z", "o", "x", "X"]),
    E = open_port({spawn, "drv_echo"}, [eof]),
    port_command(E, "o"), show(E, 1),
    erlang:display(is_port(erlang:port_info(E, id) =/= undefined)),
    port_command(E, "ealive"), show(E, 1),
    port_close(E), rest(E),
    %% Driver monitors.
    M = open_port({spawn, "drv_echo"}, []),
    Parent = self(),
    Child = spawn(fun() ->
                          port_connect(M, self()),
                          unlink(M),
                          port_command(M, "m"),
                          port_connect(M, Parent),
                          Parent ! monitored,
                          receive stop -> ok end
                  end),
    receive monitored -> ok end,
    Child ! stop,
    show(M, 1),
    port_command(M, "m"), show(M, 1),
    port_command(M, "M"), show(M, 2),
    port_command(M, "M"), show(M, 2),
    port_close(M), rest(M),
    erlang:display(erl_ddll:unload_driver(drv_echo)),
    ok.

try_cmd(Cmd) ->
    P = open_port({spawn, "drv_echo"}, []),
    Ref = erlang:monitor(port, P),
    port_command(P, Cmd),
    receive {'DOWN', Ref, port, _, Why} -> erlang:display({Cmd, down, Why})
    after 2000 -> erlang:display({Cmd, no_down})
    end,
    receive {'EXIT', P, R} -> erlang:display({Cmd, exit, R})
    after 200 -> erlang:display({Cmd, no_exit})
    end,
    erlang:display({Cmd, erlang:port_info(P)}),
    rest(P).

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
