%% code:purge/1 and code:soft_purge/1 as OTP's code server does them: processes executing
%% the old code (current function or a return address on their stack) are killed by a purge
%% and make a soft purge refuse; a process that moved to the new code survives.
-module(purge_kill).
-export([main/0]).

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

ping(P) ->
    P ! {self(), ping},
    receive {P, pong} -> pong after 1000 -> timeout end.

main() ->
    Old = spawn(fun purge_victim:loop/0),
    Ext = spawn(fun purge_victim:loop_ext/0),
    F = purge_victim:make_fun(),
    Holder = spawn(fun() -> receive {call, From} -> From ! {fun_result, catch F()} end end),
    show("pings", {ping(Old), ping(Ext)}),
    {purge_victim, Bin, File} = code:get_object_code(purge_victim),
    show("load new version", code:load_binary(purge_victim, File, Bin)),
    show("old code", erlang:check_old_code(purge_victim)),
    %% The external call moves Ext to the new version; Old stays in the old one.
    show("pings after load", {ping(Old), ping(Ext)}),
    show("soft purge", code:soft_purge(purge_victim)),
    MOld = monitor(process, Old),
    MExt = monitor(process, Ext),
    show("purge", code:purge(purge_victim)),
    receive {'DOWN', MOld, process, Old, R} -> show("old-code process", R)
    after 2000 -> show("old-code process", alive)
    end,
    receive {'DOWN', MExt, process, Ext, R2} -> show("moved process", R2)
    after 200 -> show("moved process", ping(Ext))
    end,
    show("old code after purge", erlang:check_old_code(purge_victim)),
    show("soft purge now", code:soft_purge(purge_victim)),
    show("fun holder alive", is_process_alive(Holder)),
    Holder ! {call, self()},
    show("fun of purged code", receive {fun_result, X} -> X after 1000 -> timeout end),
    show("new fun", (purge_victim:make_fun())()).
