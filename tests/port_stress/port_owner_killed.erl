-module(port_owner_killed).
-export([main/0]).
%% An owner killed while data streams through its port, 50 times over: afterwards no port is
%% left, no port program is still running, and the VM has as many file descriptors open as
%% before.
main() ->
    Fds0 = fd_count(),
    Before = erlang:ports(),
    Pids = [kill_one() || _ <- lists:seq(1, 50)],
    erlang:display({ports_left, wait_until(fun() -> erlang:ports() -- Before =:= [] end, 300)}),
    erlang:display({programs_left, wait_until(fun() -> [P || P <- Pids, alive(P)] =:= [] end, 300)}),
    erlang:display({fds_back, wait_until(fun() -> fd_count() =< Fds0 end, 300)}).

kill_one() ->
    Self = self(),
    Owner = spawn(fun() ->
        P = open_port({spawn, "cat"}, [binary, {packet, 2}]),
        {os_pid, OsPid} = erlang:port_info(P, os_pid),
        Self ! {os_pid, self(), OsPid},
        stream(P, 0)
    end),
    OsPid = receive {os_pid, Owner, O} -> O end,
    receive after 5 -> ok end,
    exit(Owner, kill),
    OsPid.

stream(P, N) ->
    port_command(P, binary:copy(<<N:8>>, 1000)),
    receive {P, {data, _}} -> ok after 0 -> ok end,
    stream(P, (N + 1) band 255).

alive(OsPid) ->
    %% A reaped program has no /proc entry; a zombie would still show one.
    os:cmd("test -d /proc/" ++ integer_to_list(OsPid) ++ " && echo yes") =/= [].

%% The VM's open descriptors (os:cmd's own port included, the same each time).
fd_count() ->
    list_to_integer(string:trim(os:cmd("ls /proc/" ++ os:getpid() ++ "/fd | wc -l"))).

wait_until(F, 0) -> F();
wait_until(F, K) ->
    case F() of
        true -> true;
        false -> receive after 10 -> wait_until(F, K - 1) end
    end.
