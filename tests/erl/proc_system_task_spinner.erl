%% The module proc_system_task_busy.erl runs in busy processes and replaces; as a program of its
%% own it spins a while and says how it ended.
-module(proc_system_task_spinner).
-export([main/0, spin/1]).

main() ->
    P = spawn(?MODULE, spin, [0]),
    P ! {self(), stop},
    receive {stopped, P, N} -> io:format("stopped: ~p~n", [is_integer(N)]) end.

%% Never waits: checks for a stop message and loops with a local call (so it stays in the
%% version of the module it started in).
spin(N) ->
    receive
        {From, stop} -> From ! {stopped, self(), N}
    after 0 ->
        spin(N + 1)
    end.
