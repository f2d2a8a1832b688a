-module(spawn_messages).
-export([main/0, echo/0, worker/2]).
%% spawn, send, links and trap_exit, monitors, process exits. Pids are never printed.
main() ->
    Echo = spawn(?MODULE, echo, []),
    Echo ! {self(), hello},
    erlang:display(receive {Echo, R} -> R after 5000 -> timeout end),
    Echo ! stop,
    Parent = self(),
    Pids = [spawn(?MODULE, worker, [Parent, I]) || I <- lists:seq(1, 10)],
    Results = [receive {P, V} -> V after 5000 -> timeout end || P <- Pids],
    erlang:display(Results),
    process_flag(trap_exit, true),
    L = spawn_link(fun() -> exit(my_reason) end),
    erlang:display(receive {'EXIT', L, Why} -> {exit, Why} after 5000 -> timeout end),
    L2 = spawn_link(fun() -> ok end),
    erlang:display(receive {'EXIT', L2, Why2} -> {exit, Why2} after 5000 -> timeout end),
    {P3, M3} = spawn_monitor(fun() -> erlang:error(crashed) end),
    erlang:display(receive {'DOWN', M3, process, P3, {Reason, _St}} -> {down, Reason} after 5000 -> timeout end),
    {P4, M4} = spawn_monitor(fun() -> throw(ball) end),
    erlang:display(receive {'DOWN', M4, process, P4, {R4, _}} -> {down, R4} after 5000 -> timeout end),
    P5 = spawn(fun() -> receive _ -> ok end end),
    M5 = monitor(process, P5),
    exit(P5, kill),
    erlang:display(receive {'DOWN', M5, process, P5, R5} -> {down, R5} after 5000 -> timeout end),
    erlang:display(is_process_alive(P5)),
    erlang:display(is_pid(Echo)),
    Fun = fun() -> Parent ! {self(), lists:sum(lists:seq(1, 100))} end,
    P6 = spawn(Fun),
    erlang:display(receive {P6, S} -> S after 5000 -> timeout end),
    register(my_name, self()),
    my_name ! via_name,
    erlang:display(receive via_name -> got_via_name after 1000 -> timeout end),
    erlang:display(whereis(my_name) =:= self()),
    unregister(my_name),
    erlang:display(whereis(my_name)),
    show(catch (no_such_name ! x)).

echo() ->
    receive
        {From, Msg} -> From ! {self(), Msg}, echo();
        stop -> ok
    end.

worker(Parent, I) -> Parent ! {self(), I * I}.

%% Displays a catch result without the frames of init (the real erl's -s caller).
show({'EXIT', {R, St}}) when is_list(St) ->
    erlang:display({'EXIT', {R, [F || F <- St, element(1, F) =/= init]}});
show(X) -> erlang:display(X).
