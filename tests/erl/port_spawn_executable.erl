-module(port_spawn_executable).
-export([main/0]).
%% open_port({spawn_executable, File}, ...): args (strings, binaries, spaces, empty), arg0, env
%% (set, overwrite, unset with false, inherited), cd, and the errors for a missing file (enoent), a
%% file that is not executable (eacces); a directory, a missing cd directory and a file the
%% kernel cannot run (ENOEXEC) open a port whose program then fails.
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 20000 -> erlang:display(timeout)
    end.

bin(Name) -> filename:join(os:getenv("BEAM_TEST_PORT_BIN"), Name).

checks() ->
    process_flag(trap_exit, false),
    %% /bin/echo with args.
    erlang:display({echo_args, run("/bin/echo", [{args, ["a", "b c", "", "d"]}])}),
    erlang:display({echo_no_args, run("/bin/echo", [])}),
    erlang:display({echo_binary_args, run("/bin/echo", [{args, [<<"bin">>, "str", <<"">>]}])}),
    erlang:display({echo_binary_name, run(<<"/bin/echo">>, [{args, ["x"]}])}),
    erlang:display({echo_binary_mode, run("/bin/echo", [binary, {args, ["bin", "mode"]}])}),
    %% Arguments are not interpreted by a shell.
    erlang:display({no_shell, run("/bin/echo", [{args, ["$HOME", "*", "a;b", "'q'", "\"dq\""]}])}),
    %% argv[0]: the file name by default, arg0 overrides it.
    ShowArgs = bin("show_args"),
    {ok, DefaultArgs} = run(ShowArgs, [{args, ["one", "two"]}]),
    erlang:display({argv0_default, DefaultArgs =:= "argc 3\nargv[0]=" ++ ShowArgs ++ "\nargv[1]=one\nargv[2]=two\n"}),
    erlang:display({arg0, run(ShowArgs, [{arg0, "my_name"}, {args, ["x"]}])}),
    erlang:display({arg0_binary, run(ShowArgs, [{arg0, <<"bin_name">>}])}),
    erlang:display({arg0_only, run(ShowArgs, [{arg0, "only"}])}),
    %% Environment.
    ShowEnv = bin("show_env"),
    erlang:display({env_inherited, run(ShowEnv, [{args, ["BEAM_DIFF_TEST_VAR"]}])}),
    erlang:display({env_set, run(ShowEnv, [{args, ["A", "B", "PORT_TEST_UNSET"]},
                                           {env, [{"A", "1"}, {"B", "two words"}]}])}),
    erlang:display({env_unset, run(ShowEnv, [{args, ["HOME", "BEAM_DIFF_TEST_VAR"]},
                                             {env, [{"HOME", false}, {"BEAM_DIFF_TEST_VAR", false}]}])}),
    erlang:display({env_overwrite, run(ShowEnv, [{args, ["BEAM_DIFF_TEST_VAR"]},
                                                 {env, [{"BEAM_DIFF_TEST_VAR", "overwritten"}]}])}),
    erlang:display({env_empty_value, run(ShowEnv, [{args, ["E"]}, {env, [{"E", ""}]}])}),
    erlang:display({env_last_wins, run(ShowEnv, [{args, ["A"]}, {env, [{"A", "first"}, {"A", "second"}]}])}),
    erlang:display({env_two_options, run(ShowEnv, [{args, ["A", "B"]}, {env, [{"A", "1"}]}, {env, [{"B", "2"}]}])}),
    erlang:display({env_empty_list, run(ShowEnv, [{args, ["BEAM_DIFF_TEST_VAR"]}, {env, []}])}),
    %% env with spawn: seen by the shell.
    erlang:display({env_spawn, run_spawn("echo $PORT_X-$PORT_Y", [{env, [{"PORT_X", "x"}, {"PORT_Y", "y"}]}])}),
    %% The VM's own environment is not changed by env.
    erlang:display({vm_env_unchanged, os:getenv("A")}),
    %% cd.
    erlang:display({cd, run(ShowEnv, [{cd, "/tmp"}, {args, ["."]}])}),
    erlang:display({cd_binary, run(ShowEnv, [{cd, <<"/">>}, {args, ["."]}])}),
    erlang:display({cd_spawn, run_spawn("pwd", [{cd, "/tmp"}])}),
    erlang:display({cd_with_env, run(ShowEnv, [{cd, "/"}, {env, [{"A", "a"}]}, {args, ["A", "."]}])}),
    %% Exit status of spawn_executable.
    erlang:display({exit_with, run(bin("exit_with"), [{args, ["42", "bye"]}])}),
    erlang:display({exit_with_0, run(bin("exit_with"), [{args, ["0"]}])}),
    %% Errors.
    erlang:display({missing, catch_open({spawn_executable, "/nonexistent/dir/prog"}, [])}),
    erlang:display({missing_relative, catch_open({spawn_executable, "no_such_prog_xyz"}, [])}),
    erlang:display({directory, catch_open({spawn_executable, "/tmp"}, [])}),
    erlang:display({not_executable, catch_open({spawn_executable, "/etc/passwd"}, [])}),
    erlang:display({missing_cd, catch_open({spawn_executable, "/bin/echo"}, [{cd, "/nonexistent/dir"}])}),
    %% An executable file the kernel cannot run (no #! line): it opens, and its exec fails
    %% with ENOEXEC, the exit status.
    NoExec = filename:join("/tmp", "port_no_exec_" ++ os:getpid()),
    ok = file:write_file(NoExec, <<"echo never\n">>),
    ok = file:change_mode(NoExec, 8#755),
    erlang:display({not_a_program, catch_open({spawn_executable, NoExec}, [])}),
    ok = file:delete(NoExec),
    %% os_pid of a spawn_executable port.
    P = open_port({spawn_executable, "/bin/cat"}, []),
    {os_pid, OsPid} = erlang:port_info(P, os_pid),
    erlang:display({os_pid, is_integer(OsPid), OsPid > 0}),
    erlang:display({name, erlang:port_info(P, name)}),
    port_close(P),
    erlang:display({mailbox, flush()}),
    ok.

catch_open(Name, Opts) ->
    try open_port(Name, [exit_status | Opts]) of
        P when is_port(P) -> {opened, collect(P)}
    catch
        C:R -> {C, R}
    end.

run(File, Opts) -> collect(open_port({spawn_executable, File}, [exit_status | Opts])).
run_spawn(Cmd, Opts) -> collect(open_port({spawn, Cmd}, [exit_status | Opts])).

collect(P) -> collect(P, []).
collect(P, Acc) ->
    receive
        {P, {data, D}} -> collect(P, [D | Acc]);
        {P, {exit_status, 0}} -> {ok, join(lists:reverse(Acc))};
        {P, {exit_status, S}} -> {S, join(lists:reverse(Acc))}
    after 5000 -> {timeout, lists:reverse(Acc)}
    end.

join([]) -> [];
join([B | _] = L) when is_binary(B) -> iolist_to_binary(L);
join(L) -> lists:append(L).

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
