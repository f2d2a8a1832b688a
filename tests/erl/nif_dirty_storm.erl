%% The storm of nif_dirty.erl (many processes in dirty and scheduled calls, kills during
%% dirty calls, messages to a process in a dirty call) on two normal schedulers, two dirty
%% CPU and three dirty I/O schedulers.
%% vm_flags: +S 2 +SDcpu 2 +SDio 3
-module(nif_dirty_storm).
-export([main/0]).

main() ->
    nif_dirty:storm().
