%% Signals a process sends itself and other process-layer corner cases, as OTP 25:
%% exit(self(), normal) ends the caller unless it traps exits; a monitor of oneself is not
%% kept (demonitor with info says false); erlang:raise/3 with an invalid class or stack trace
%% returns badarg; a binary segment size that is not an integer raises badarg; messages sent
%% to oneself count in message_queue_len at once; system_flag(schedulers_online, N).
-module(proc_self_signals).
-export([main/0]).

down(Fun) ->
    {P, M} = spawn_monitor(Fun),
    receive {'DOWN', M, process, P, R} -> R end.

err(F) -> try F() of V -> {value, V} catch C:R:S -> {C, R, lists:sublist(S, 1)} end.

main() ->
    erlang:display(down(fun() -> exit(self(), normal), erlang:display(survived) end)),
    erlang:display(down(fun() ->
                                process_flag(trap_exit, true),
                                exit(self(), normal),
                                receive {'EXIT', From, normal} -> erlang:display({trapped, From =:= self()}) end,
                                exit(done)
                        end)),
    erlang:display(down(fun() -> erlang:display(catch exit(self(), normal)), erlang:display(after_catch) end)),
    erlang:display(down(fun() -> exit(self(), kill) end)),
    erlang:display(down(fun() -> process_flag(trap_exit, true), exit(self(), kill) end)),
    erlang:display(down(fun() -> process_flag(trap_exit, true), exit(self(), other),
                                 receive M -> exit({got, M =:= {'EXIT', self(), other}}) end end)),
    %% Monitors of oneself.
    M1 = erlang:monitor(process, self()),
    erlang:display(process_info(self(), [monitors, monitored_by])),
    erlang:display([erlang:demonitor(M1, [info]), erlang:demonitor(M1, [info])]),
    M2 = erlang:monitor(process, self()),
    erlang:display(erlang:demonitor(M2, [flush, info])),
    M3 = erlang:monitor(process, self()),
    erlang:display(erlang:demonitor(M3)),
    Other = spawn(fun() -> receive stop -> ok end end),
    M4 = erlang:monitor(process, Other),
    erlang:display([erlang:demonitor(M4, [info]), erlang:demonitor(M4, [info])]),
    Other ! stop,
    %% raise/3 with invalid arguments returns badarg.
    erlang:display([err(fun() -> erlang:raise(C, bar, S) end)
                    || {C, S} <- [{foo, []}, {error, bad}, {error, [{a, b, c, d}]}, {error, [a | b]},
                                  {error, [{m, f, 1, x}]}, {error, [{"m", f, 1, []}]},
                                  {throw, []}, {exit, [{m, f, 1}]}, {error, [{m, f, [a], [{line, 1}]}]},
                                  {error, [{m, f, -1, []}]}]]),
    %% Binary segment sizes that are not integers.
    Sz = list_to_atom("abc"),
    F = 1.5 * length([a]),
    erlang:display([err(fun() -> <<1:Sz>> end), err(fun() -> <<1:F>> end),
                    err(fun() -> <<<<"ab">>:Sz/binary>> end), err(fun() -> <<1:(length([a]) - 2)>> end)]),
    %% Messages to oneself are in the queue at once.
    self() ! a, self() ! b,
    erlang:display(process_info(self(), message_queue_len)),
    erlang:send(self(), c),
    erlang:display(process_info(self(), message_queue_len)),
    receive a -> ok end, receive b -> ok end, receive c -> ok end,
    erlang:display(process_info(self(), message_queue_len)),
    %% Schedulers online.
    N = erlang:system_info(schedulers),
    erlang:display(erlang:system_flag(schedulers_online, 1) =:= N),
    erlang:display(erlang:system_info(schedulers_online)),
    Parent = self(),
    Pids = [spawn(fun() -> Parent ! {done, lists:sum(lists:seq(1, 10000 * I))} end) || I <- lists:seq(1, 20)],
    erlang:display(length([receive {done, _} -> ok end || _ <- Pids])),
    erlang:display(erlang:system_flag(schedulers_online, N)),
    erlang:display([err(fun() -> erlang:system_flag(schedulers_online, X) end) || X <- [0, N + 1, a, -1]]),
    erlang:display(erlang:system_info(schedulers_online) =:= N),
    ok.
