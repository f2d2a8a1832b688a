-module(port_data_ops).
-export([main/0]).
%% erlang:port_set_data/2 and port_get_data/1 (default, immediates, compound and large terms,
%% from other processes, by registered name), and port_command/3 with [], [force],
%% [nosuspend], both, and bad options, on a spawn port that echoes (cat): force is notsup there.
main() ->
    {Pid, Ref} = spawn_monitor(fun checks/0),
    receive
        {'DOWN', Ref, process, Pid, normal} -> erlang:display(done);
        {'DOWN', Ref, process, Pid, {Reason, _Stack}} -> erlang:display({crashed, anon(Reason)});
        {'DOWN', Ref, process, Pid, Reason} -> erlang:display({crashed, anon(Reason)})
    after 20000 -> erlang:display(timeout)
    end.

checks() ->
    process_flag(trap_exit, true),
    Self = self(),
    P = open_port({spawn, "cat"}, [binary]),
    erlang:display({default_data, erlang:port_get_data(P)}),
    Values = [an_atom, 42, -7, 1 bsl 80, 3.25, "a string", <<"a binary">>,
              {tuple, [list, #{map => 1}], <<1, 2, 3>>},
              list_to_binary(lists:duplicate(1000, $x)), [], {}],
    [begin
         true = erlang:port_set_data(P, V),
         erlang:display({roundtrip, erlang:port_get_data(P) =:= V})
     end || V <- Values],
    erlang:display({last, erlang:port_get_data(P)}),
    %% A term built at run time and then dropped by its builder.
    Built = [{I, integer_to_list(I)} || I <- lists:seq(1, 50)],
    true = erlang:port_set_data(P, Built),
    erlang:garbage_collect(),
    erlang:display({built, erlang:port_get_data(P) =:= Built}),
    %% Data set by another process is seen by everyone.
    true = in_other(fun() -> erlang:port_set_data(P, {set_by, other}) end),
    erlang:display({set_by_other, erlang:port_get_data(P)}),
    erlang:display({get_by_other, in_other(fun() -> erlang:port_get_data(P) end)}),
    %% By registered name.
    true = register(port_data_ops_port, P),
    erlang:display({set_by_name, erlang:port_set_data(port_data_ops_port, named)}),
    erlang:display({get_by_name, erlang:port_get_data(port_data_ops_port)}),
    erlang:display({get_unknown_name, try erlang:port_get_data(no_such_port_name) catch C0:R0 -> {C0, R0} end}),
    %% The data does not change what the port does.
    true = port_command(P, <<"still echoes">>),
    erlang:display({echo, recv(P)}),
    %% port_command/3.
    erlang:display({command3_empty, port_command(P, "empty opts", []), recv(P)}),
    %% The spawn driver does not support force: notsup, and nothing is written.
    erlang:display({command3_force, try_call(fun() -> port_command(P, "force", [force]) end)}),
    erlang:display({command3_nosuspend, port_command(P, "nosuspend", [nosuspend]), recv(P)}),
    erlang:display({command3_both, try_call(fun() -> port_command(P, "both", [force, nosuspend]) end)}),
    erlang:display({command3_twice, port_command(P, "twice", [nosuspend, nosuspend]), recv(P)}),
    erlang:display({command3_bad_opt, try_call(fun() -> port_command(P, "x", [bad]) end)}),
    erlang:display({command3_bad_opt_tuple, try_call(fun() -> port_command(P, "x", [{force, true}]) end)}),
    erlang:display({command3_improper, try_call(fun() -> port_command(P, "x", [force | nosuspend]) end)}),
    erlang:display({command3_not_list, try_call(fun() -> port_command(P, "x", nosuspend) end)}),
    erlang:display({command3_by_other, in_other(fun() -> port_command(P, "from other", [nosuspend]) end), recv(P)}),
    %% erlang:port_command/2,3 are the same BIFs.
    erlang:display({erlang_port_command, erlang:port_command(P, "qualified"), recv(P)}),
    erlang:display({erlang_port_command3, erlang:port_command(P, "qualified3", []), recv(P)}),
    %% Nothing else arrived.
    erlang:display({no_more, receive {P, M} -> M after 100 -> none end}),
    erlang:display({close, port_close(P), receive {'EXIT', P, R} -> R after 5000 -> timeout end}),
    erlang:display({set_closed, try_call(fun() -> erlang:port_set_data(P, x) end)}),
    erlang:display({get_closed, try_call(fun() -> erlang:port_get_data(P) end)}),
    erlang:display({command3_closed, try_call(fun() -> port_command(P, "x", [nosuspend]) end)}),
    erlang:display({get_pid, try_call(fun() -> erlang:port_get_data(Self) end)}),
    erlang:display({mailbox, length(flush())}),
    ok.

try_call(F) ->
    try F() catch C:R -> {C, R} end.

in_other(F) ->
    Self = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Self ! {result, self(), F()} end),
    receive
        {result, Pid, R} -> receive {'DOWN', Ref, process, Pid, _} -> R end;
        {'DOWN', Ref, process, Pid, {Reason, _}} -> {died, Reason}
    end.

%% The data of one command (cat echoes small writes at once).
recv(P) ->
    receive {P, {data, D}} -> D after 5000 -> timeout end.

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
