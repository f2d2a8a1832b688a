%% A handler of erl_signal_server that sends each event to a process.
-module(sig_forward).
-behaviour(gen_event).
-export([init/1, handle_event/2, handle_call/2]).

init(Pid) ->
    {ok, Pid}.

handle_event(Event, Pid) ->
    Pid ! {signal, Event},
    {ok, Pid}.

handle_call(_Request, Pid) ->
    {ok, ok, Pid}.
