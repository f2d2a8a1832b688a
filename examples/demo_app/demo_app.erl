%% The demo application: starts its supervisor; `run/0` shows it working.
-module(demo_app).
-behaviour(application).
-export([start/2, stop/1, run/0]).

start(_Type, _Args) ->
    demo_sup:start_link().

stop(_State) ->
    ok.

%% Started with `-s demo_app run`: starts the application, uses the counter, crashes it and
%% shows that its supervisor restarted it.
run() ->
    {ok, Started} = application:ensure_all_started(demo_app),
    io:format("started: ~p~n", [Started]),
    io:format("bump -> ~p~n", [demo_counter:bump()]),
    io:format("bump -> ~p~n", [demo_counter:bump()]),
    Old = whereis(demo_counter),
    Ref = monitor(process, Old),
    demo_counter:crash(),
    receive {'DOWN', Ref, process, Old, Why} -> io:format("counter died: ~p~n", [Why]) end,
    wait_restarted(Old),
    io:format("restarted by demo_sup: ~p; bump -> ~p~n",
              [whereis(demo_counter) =/= Old, demo_counter:bump()]),
    io:format("applications: ~p~n",
              [[A || {A, _, _} <- application:which_applications()]]),
    io:format("running on: ~s~n", [erlang:system_info(system_version)]).

wait_restarted(Old) ->
    case whereis(demo_counter) of
        P when is_pid(P), P =/= Old -> ok;
        _ -> timer:sleep(5), wait_restarted(Old)
    end.
