%% The drv_vec test driver (c-tests/drivers/drv_vec.c): outputv, the driver queue
%% (enqv, pushqv, pushq, pushq_bin, enq_bin, peekqv, deq), driver_outputv, vec_to_buf,
%% port data locks, and port-level locking.
-module(drv_vec_queue).
-export([main/0]).
-compile(nowarn_unused_function).

main() ->
    %% As under erl -s, where main/0 runs in init, which traps exits.
    process_flag(trap_exit, true),
    ok = erl_ddll:load_driver(dir(), drv_vec),
    P = open_port({spawn, "drv_vec"}, []),
    erlang:display(erlang:port_info(P, locking)),
    port_command(P, "vhello"), show(P, 1),
    port_command(P, ["v", <<"a binary part that is long enough to be off heap, ">>, "and a list"]), show(P, 1),
    port_command(P, "s12345"), show(P, 1),
    port_command(P, "qabc"), show(P, 1),
    port_command(P, ["q", <<"def">>]), show(P, 1),
    port_command(P, "p012"), show(P, 1),
    port_command(P, "h"), show(P, 2),
    erlang:display(norm(erlang:port_info(P, queue_size), P)),
    port_command(P, "r"), show(P, 4),
    port_command(P, "l"), show(P, 5),
    port_command(P, "r"), show(P, 4),
    port_command(P, "x"), show(P, 1),
    port_close(P), rest(P),
    B = open_port({spawn, "drv_vec"}, [binary]),
    port_command(B, "vbinary mode"), show(B, 1),
    port_command(B, "qxy"), show(B, 1),
    port_command(B, "r"), show(B, 4),
    port_close(B), rest(B),
    erlang:display(erl_ddll:unload_driver(drv_vec)),
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
