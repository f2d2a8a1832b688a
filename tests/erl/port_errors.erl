-module(port_errors).
-export([main/0]).
%% Bad arguments to open_port/2 and the other port BIFs: for each case {Case, Class, Reason} and
%% the error_info of the BIF's frame (its cause), or what the call returned.
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 20000 -> erlang:display(timeout)
    end.

open_cases() ->
    [
     %% The name.
     {name_atom, foo, []},
     {name_bad_tuple, {spawn}, []},
     {name_bad_tag, {spawnx, "cat"}, []},
     {name_three_tuple, {spawn, "cat", x}, []},
     {name_spawn_integer, {spawn, 42}, []},
     {name_spawn_empty, {spawn, ""}, []},
     {name_spawn_bad_chars, {spawn, [-1]}, []},
     {name_spawn_deep_list, {spawn, ["ca", "t"]}, []},
     {name_spawn_atom, {spawn, cat}, []},
     {name_executable_integer, {spawn_executable, 42}, []},
     {name_executable_atom, {spawn_executable, cat}, []},
     {name_spawn_driver_unknown, {spawn_driver, "no_such_driver_xyz"}, []},
     {name_fd_bad, {fd, a, b}, []},
     {name_fd_negative, {fd, -1, 1}, []},
     %% The options.
     {opts_not_list, {spawn, "cat"}, binary},
     {opts_improper, {spawn, "cat"}, [binary | stream]},
     {opt_unknown_atom, {spawn, "cat"}, [no_such_option]},
     {opt_unknown_tuple, {spawn, "cat"}, [{no_such_option, 1}]},
     {opt_integer, {spawn, "cat"}, [42]},
     {packet_3, {spawn, "cat"}, [{packet, 3}]},
     {packet_0, {spawn, "cat"}, [{packet, 0}]},
     {packet_atom, {spawn, "cat"}, [{packet, two}]},
     {line_0, {spawn, "cat"}, [{line, 0}]},
     {line_negative, {spawn, "cat"}, [{line, -1}]},
     {line_atom, {spawn, "cat"}, [{line, x}]},
     {line_and_packet, {spawn, "cat"}, [{line, 10}, {packet, 2}]},
     {packet_and_line, {spawn, "cat"}, [{packet, 2}, {line, 10}]},
     {env_not_list, {spawn, "cat"}, [{env, bad}]},
     {env_bad_element, {spawn, "cat"}, [{env, [bad]}]},
     {env_bad_name, {spawn, "cat"}, [{env, [{42, "x"}]}]},
     {env_bad_value, {spawn, "cat"}, [{env, [{"A", 42}]}]},
     {env_value_true, {spawn, "cat"}, [{env, [{"A", true}]}]},
     {env_name_with_equals, {spawn, "cat"}, [{env, [{"A=B", "x"}]}]},
     {env_empty_name, {spawn, "cat"}, [{env, [{"", "x"}]}]},
     {args_not_list, {spawn_executable, "/bin/cat"}, [{args, bad}]},
     {args_integer_element, {spawn_executable, "/bin/cat"}, [{args, [1]}]},
     {args_atom_element, {spawn_executable, "/bin/cat"}, [{args, [a]}]},
     {args_with_spawn, {spawn, "cat"}, [{args, ["x"]}]},
     {arg0_with_spawn, {spawn, "cat"}, [{arg0, "x"}]},
     {arg0_bad, {spawn_executable, "/bin/cat"}, [{arg0, 42}]},
     {cd_bad, {spawn, "cat"}, [{cd, 42}]},
     {cd_atom, {spawn, "cat"}, [{cd, tmp}]},
     {nouse_stdio_with_stderr, {spawn, "cat"}, [nouse_stdio, stderr_to_stdout]},
     {parallelism_bad, {spawn, "cat"}, [{parallelism, maybe}]},
     {busy_limits_bad, {spawn, "cat"}, [{busy_limits_port, bad}]},
     {busy_limits_msgq_bad, {spawn, "cat"}, [{busy_limits_msgq, bad}]},
     {exit_status_tuple, {spawn, "cat"}, [{exit_status, true}]}
    ].

checks() ->
    process_flag(trap_exit, true),
    %% The real erl also logs "Bad value on output port" for port_command with data that is not
    %% an iolist; logger output is not part of the comparison (there is no logger under --bare).
    _ = (catch logger:set_primary_config(level, none)),
    [erlang:display({Case, open(Name, Opts)}) || {Case, Name, Opts} <- open_cases()],
    %% Commands.
    P = open_port({spawn, "sh -c 'cat >/dev/null'"}, []),
    erlang:display({command_not_iolist, call(fun() -> port_command(P, [a]) end)}),
    erlang:display({command_atom, call(fun() -> port_command(P, foo) end)}),
    erlang:display({command_integer, call(fun() -> port_command(P, 256) end)}),
    erlang:display({command_bad_byte, call(fun() -> port_command(P, [256]) end)}),
    erlang:display({command_improper, call(fun() -> port_command(P, [$a | $b]) end)}),
    erlang:display({command_improper_bin, call(fun() -> port_command(P, [$a | <<"b">>]) end)}),
    erlang:display({command_bitstring, call(fun() -> port_command(P, <<1:3>>) end)}),
    erlang:display({command_not_port, call(fun() -> port_command(self(), "x") end)}),
    erlang:display({command_atom_port, call(fun() -> port_command(no_such_port_name, "x") end)}),
    erlang:display({command_opts_bad, call(fun() -> port_command(P, "x", [bad]) end)}),
    erlang:display({command_opts_not_list, call(fun() -> port_command(P, "x", force) end)}),
    erlang:display({still_open, is_list(erlang:port_info(P))}),
    erlang:display({control_spawn_port, call(fun() -> port_control(P, 1, "x") end)}),
    erlang:display({control_bad_op, call(fun() -> port_control(P, -1, "x") end)}),
    erlang:display({control_bad_data, call(fun() -> port_control(P, 1, foo) end)}),
    erlang:display({call_spawn_port, call(fun() -> erlang:port_call(P, 1, x) end)}),
    erlang:display({after_control, is_list(erlang:port_info(P))}),
    erlang:display({connect_dead_pid, call(fun() -> port_connect(P, dead_pid()) end)}),
    erlang:display({connect_not_pid, call(fun() -> port_connect(P, foo) end)}),
    erlang:display({connect_not_port, call(fun() -> port_connect(self(), self()) end)}),
    erlang:display({connected_still, erlang:port_info(P, connected) =:= {connected, self()}}),
    erlang:display({close_not_port, call(fun() -> port_close(self()) end)}),
    erlang:display({close_atom, call(fun() -> port_close(no_such_port_name) end)}),
    erlang:display({close_first, call(fun() -> port_close(P) end)}),
    erlang:display({close_exit_msg, receive {'EXIT', P, R} -> R after 1000 -> timeout end}),
    %% The same on a closed port.
    erlang:display({close_twice, call(fun() -> port_close(P) end)}),
    erlang:display({command_closed, call(fun() -> port_command(P, "x") end)}),
    erlang:display({command3_closed, call(fun() -> port_command(P, "x", []) end)}),
    erlang:display({control_closed, call(fun() -> port_control(P, 1, "x") end)}),
    erlang:display({connect_closed, call(fun() -> port_connect(P, self()) end)}),
    erlang:display({send_closed, call(fun() -> P ! {self(), {command, "x"}}, sent end)}),
    erlang:display({send_closed_close, call(fun() -> P ! {self(), close}, sent end)}),
    erlang:display({send_closed_no_reply, receive {P, _} = M -> M after 100 -> none end}),
    erlang:display({set_data_closed, call(fun() -> erlang:port_set_data(P, x) end)}),
    erlang:display({get_data_closed, call(fun() -> erlang:port_get_data(P) end)}),
    erlang:display({info_pid, call(fun() -> erlang:port_info(self()) end)}),
    erlang:display({info_pid_item, call(fun() -> erlang:port_info(self(), name) end)}),
    erlang:display({link_closed, call(fun() -> link(P) end)}),
    erlang:display({link_closed_exit, receive {'EXIT', P, R2} -> R2 after 1000 -> timeout end}),
    erlang:display({unlink_closed, call(fun() -> unlink(P) end)}),
    erlang:display({exit_closed, call(fun() -> exit(P, kill) end)}),
    erlang:display({port_to_list_pid, call(fun() -> erlang:port_to_list(self()) end)}),
    erlang:display({mailbox, flush()}),
    ok.

open(Name, Opts) ->
    try open_port(Name, Opts) of
        P when is_port(P) ->
            %% The program may have exited (and the port closed) already.
            catch port_close(P),
            receive {'EXIT', P, _} -> ok after 5000 -> ok end,
            opened
    catch
        C:R:S -> {C, R, error_info(S)}
    end.

call(F) ->
    try F() of
        Result -> {ok, Result}
    catch
        C:R:S -> {C, R, error_info(S)}
    end.

error_info([{_, _, _, Info} | _]) ->
    case proplists:get_value(error_info, Info) of
        undefined -> none;
        M -> maps:get(cause, M, no_cause)
    end;
error_info(_) -> none.

dead_pid() ->
    {Pid, Ref} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', Ref, process, Pid, _} -> Pid end.

%% The messages left in the mailbox, with pids, ports and references replaced by atoms.
flush() ->
    receive M -> [anon(M) | flush()] after 0 -> [] end.

anon(T) when is_pid(T) -> pid;
anon(T) when is_port(T) -> port;
anon(T) when is_reference(T) -> ref;
anon([H | T]) -> [anon(H) | anon(T)];
anon(T) when is_tuple(T) -> list_to_tuple(anon(tuple_to_list(T)));
anon(T) when is_map(T) -> maps:from_list(anon(maps:to_list(T)));
anon(T) -> T.
