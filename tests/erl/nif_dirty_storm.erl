%% The storm of nif_dirty.erl (many processes in dirty and scheduled calls, kills during
%% dirty calls, messages to a process in a dirty call) on two normal schedulers, two dirty
%% CPU and three dirty I/O schedulers (one taken offline for a while).
%% vm_flags: +S 2 +SDcpu 2 +SDio 3
-module(nif_dirty_storm).
-export([main/0]).

main() ->
    %% With a dirty CPU scheduler offline, dirty calls still run (on the online one).
    io:format("online: ~p~n", [erlang:system_flag(dirty_cpu_schedulers_online, 1)]),
    io:format("calls: ~p~n", [[nif_dirty:cpu_thread_type() || _ <- lists:seq(1, 20)]]),
    io:format("online: ~p~n", [erlang:system_flag(dirty_cpu_schedulers_online, 2)]),
    nif_dirty:storm().
