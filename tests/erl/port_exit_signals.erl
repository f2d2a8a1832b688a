-module(port_exit_signals).
-export([main/0]).
%% Exit signals and ports: exit/2 to a port from its owner and from other processes with kill,
%% normal, killed and other reasons; a linked process dying (normal does not close the port, other
%% reasons do and the other links get {'EXIT', Port, Reason}); a port dying kills a linked owner
%% that does not trap exits (unless the reason is normal); exit/2 to a closed port.
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
    %% exit/2 from the owner and from another process.
    [begin
         P = open_port({spawn, "cat"}, []),
         M = monitor(port, P),
         Result = case Who of
                      owner -> exit(P, Reason);
                      other -> in_other(fun() -> exit(P, Reason) end)
                  end,
         erlang:display({exit2, Who, Reason, Result, down(M), exit_msg(P), erlang:port_info(P)})
     end || Who <- [owner, other], Reason <- [kill, normal, killed, boom]],
    %% A linked process (not the owner) dying.
    [begin
         P = open_port({spawn, "cat"}, []),
         M = monitor(port, P),
         Linked = spawn(fun() -> link(P), Self ! linked, receive {die, R} -> exit(R) end end),
         receive linked -> ok end,
         MP = monitor(process, Linked),
         case Reason of
             kill -> exit(Linked, kill);
             _ -> Linked ! {die, Reason}
         end,
         receive {'DOWN', MP, process, Linked, _} -> ok end,
         case Reason of
             normal ->
                 erlang:display({linked_dies, Reason, alive, is_list(erlang:port_info(P))}),
                 port_close(P),
                 erlang:display({linked_dies_close, down(M), exit_msg(P)});
             _ ->
                 erlang:display({linked_dies, Reason, down(M), exit_msg(P), erlang:port_info(P)})
         end
     end || Reason <- [normal, boom, kill, {shutdown, x}]],
    %% All the links of a dying port get the exit signal.
    P1 = open_port({spawn, "cat"}, []),
    Watchers = [spawn(fun() ->
                              process_flag(trap_exit, true),
                              link(P1),
                              Self ! {linked, self()},
                              receive {'EXIT', P, R} when is_port(P) -> Self ! {watcher, self(), R} end
                      end) || _ <- [1, 2, 3]],
    [receive {linked, W} -> ok end || W <- Watchers],
    exit(P1, boom),
    erlang:display({watchers, [receive {watcher, W, R} -> R after 5000 -> timeout end || W <- Watchers]}),
    erlang:display({watchers_owner, exit_msg(P1)}),
    %% An owner that does not trap exits dies with the port's reason, not for normal.
    [begin
         Owner = spawn(fun() ->
                               P = open_port({spawn, "cat"}, []),
                               Self ! {port, self(), P},
                               receive never -> ok end
                       end),
         P = receive {port, Owner, Port} -> Port end,
         MO = monitor(process, Owner),
         exit(P, Reason),
         Fate = receive {'DOWN', MO, process, Owner, R} -> {dead, R} after 200 -> alive end,
         erlang:display({owner_not_trapping, Reason, Fate}),
         Fate =:= alive andalso exit(Owner, kill),
         Fate =:= alive andalso receive {'DOWN', MO, process, Owner, _} -> true end
     end || Reason <- [normal, boom, kill]],
    %% The program exiting makes the port exit normal: a non-trapping owner lives on.
    Owner2 = spawn(fun() ->
                           P = open_port({spawn, "sh -c 'exit 2'"}, [exit_status]),
                           receive {P, {exit_status, S}} -> Self ! {status, S} end,
                           receive never -> ok end
                   end),
    MO2 = monitor(process, Owner2),
    erlang:display({program_exit_status, receive {status, S2} -> S2 after 5000 -> timeout end}),
    erlang:display({program_exit_owner, receive {'DOWN', MO2, process, Owner2, R2} -> {dead, R2} after 200 -> alive end}),
    exit(Owner2, kill),
    receive {'DOWN', MO2, process, Owner2, _} -> ok after 1000 -> ok end,
    %% exit/2 to a closed port.
    P3 = open_port({spawn, "cat"}, []),
    port_close(P3),
    _ = exit_msg(P3),
    erlang:display({exit_closed, exit(P3, kill), exit(P3, boom), exit_msg_now(P3)}),
    %% Unlinked from the owner: the owner gets no message, the port still dies.
    P4 = open_port({spawn, "cat"}, []),
    unlink(P4),
    M4 = monitor(port, P4),
    exit(P4, boom),
    erlang:display({unlinked, down(M4), exit_msg_now(P4)}),
    erlang:display({mailbox, flush()}),
    ok.

%% Runs F in another process and returns what it returned.
in_other(F) ->
    Self = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Self ! {result, self(), F()} end),
    receive {result, Pid, R} -> receive {'DOWN', Ref, process, Pid, _} -> R end end.

down(M) ->
    receive
        {'DOWN', M, Type, P, Reason} when is_port(P) -> {Type, Reason}
    after 5000 -> timeout
    end.

exit_msg(P) ->
    receive {'EXIT', P, R} -> {'EXIT', R} after 5000 -> timeout end.

exit_msg_now(P) ->
    receive {'EXIT', P, R} -> {'EXIT', R} after 100 -> none end.

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
