%% The peer node of the distribution scenarios (tests/distribution.rs): registers the
%% services `dist_main` talks to, then waits to be halted (by the driver, or after 60 s).
-module(dist_peer).
-export([start/0, restart_echo/0, echo/0, server/1, crash_after/2, sum/1, raise/1, tell_node/1,
         crashers/0]).

start() ->
    register(echo, spawn(fun echo/0)),
    {ok, _} = dist_server:start(),
    %% The driver waits for this node to be up (epmd lists it) before it starts.
    receive never -> ok after 60000 -> erlang:halt(3) end.

restart_echo() ->
    register(echo, spawn(fun echo/0)),
    ok.

%% Answers {From, Msg} with {echoed, node(), self(), Msg}; `stop` ends it with reason `done`.
echo() ->
    receive
        stop -> exit(done);
        {From, Msg} -> From ! {echoed, node(), self(), Msg}, echo()
    end.

server(State) ->
    receive
        {get, From} -> From ! {state, State}, server(State);
        {set, S} -> server(S)
    end.

crash_after(Ms, Reason) ->
    receive after Ms -> exit(Reason) end.

sum(L) -> lists:sum(L).

%% How many processes wait in crash_after/2.
crashers() ->
    length([P || P <- processes(),
                 process_info(P, current_function) =:= {current_function, {dist_peer, crash_after, 2}}]).

raise(X) -> error({raised, X}).

tell_node(To) -> To ! {from_node, node()}.
