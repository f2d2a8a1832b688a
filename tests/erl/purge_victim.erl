%% The module purge_kill.erl replaces and purges; as a program of its own it says hello.
-module(purge_victim).
-export([main/0, loop/0, loop_ext/0, make_fun/0]).

main() -> io:format("purge_victim~n").

%% Waits with local calls: stays in the version it started in.
loop() ->
    receive
        {From, ping} -> From ! {self(), pong}, loop()
    end.

%% Waits with external calls: moves to the newest version at each message.
loop_ext() ->
    receive
        {From, ping} -> From ! {self(), pong}, ?MODULE:loop_ext()
    end.

make_fun() -> fun() -> local_fun_result end.
