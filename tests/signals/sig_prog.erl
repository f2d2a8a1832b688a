%% Signal scenarios of tests/signals.rs: each prints "ready <OS pid>" once it is waiting for
%% the signals the test sends.
-module(sig_prog).
-export([wait/0, handle/0]).

%% Waits for ever: the default handling of the signal ends the system.
wait() ->
    io:format("ready ~s~n", [os:getpid()]),
    receive after infinity -> ok end.

%% SIGHUP ignored, SIGUSR2 handled: a gen_event handler of erl_signal_server forwards the
%% events here.
handle() ->
    ok = os:set_signal(sighup, ignore),
    ok = os:set_signal(sigusr2, handle),
    ok = gen_event:add_handler(erl_signal_server, sig_forward, self()),
    io:format("ready ~s~n", [os:getpid()]),
    receive
        {signal, S} ->
            io:format("got ~p~n", [S]),
            halt()
    end.
