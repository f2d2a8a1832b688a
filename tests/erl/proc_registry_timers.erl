-module(proc_registry_timers).
-export([main/0]).
r({'EXIT', {Reason, _Stack}}) -> Reason;
r(Other) -> Other.
%% register/unregister/whereis/registered, sending by name, send_after/start_timer/cancel/read
%% timers, receive timeouts ordering, process_info items, priorities, yield.
main() ->
    erlang:display(whereis(my_name)),
    true = register(my_name, self()),
    erlang:display(whereis(my_name) =:= self()),
    erlang:display(lists:member(my_name, registered())),
    my_name ! hello,
    erlang:display(receive hello -> got_hello after 1000 -> timeout end),
    erlang:display(r(catch register(my_name, self()))),
    erlang:display(r(catch register(other_name, self()))),
    erlang:display(unregister(my_name)),
    erlang:display(r(catch unregister(my_name))),
    erlang:display(r(catch no_such ! x)),
    P = spawn(fun() -> receive {From, ping} -> From ! pong end end),
    PRef = monitor(process, P),
    register(pinger, P),
    pinger ! {self(), ping},
    erlang:display(receive pong -> pong after 1000 -> timeout end),
    receive {'DOWN', PRef, process, P, _} -> ok end,
    erlang:display(whereis(pinger)),
    %% timers
    T1 = erlang:send_after(50, self(), t1),
    T2 = erlang:start_timer(30, self(), t2),
    T3 = erlang:send_after(10000, self(), never),
    erlang:display(is_integer(erlang:read_timer(T3))),
    erlang:display(erlang:cancel_timer(T3) > 9000),
    erlang:display(erlang:cancel_timer(T3)),
    erlang:display(receive {timeout, T2, t2} -> t2_first after 1000 -> timeout end),
    erlang:display(receive t1 -> t1_second after 1000 -> timeout end),
    erlang:display(erlang:read_timer(T1)),
    erlang:send_after(200, self(), late),
    erlang:display(receive late -> late after 5 -> too_early end),
    erlang:display(receive late -> late after 1000 -> missing end),
    T4 = erlang:send_after(10000, self(), x),
    erlang:display(erlang:cancel_timer(T4, [{async, true}, {info, true}])),
    erlang:display(receive {cancel_timer, T4, L} -> is_integer(L) after 1000 -> timeout end),
    %% process_info
    self() ! m1, self() ! m2,
    erlang:display(process_info(self(), message_queue_len)),
    erlang:display(process_info(self(), messages)),
    receive m1 -> ok end, receive m2 -> ok end,
    put(k, v),
    erlang:display(process_info(self(), dictionary)),
    erlang:display(process_info(self(), [priority, status])),
    erlang:display(process_info(self(), registered_name)),
    {Dead, DeadRef} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', DeadRef, process, Dead, _} -> ok end,
    erlang:display(process_info(Dead, status)),
    erlang:display(process_info(Dead)),
    W = spawn(fun() -> receive stop -> ok end end),
    erlang:display(wait_status(W, waiting, 1000)),
    erlang:display(process_info(W, message_queue_len)),
    W ! stop,
    erlang:display(r(catch process_info(self(), no_such_item))),
    %% priorities
    erlang:display(process_flag(priority, high)),
    erlang:display(process_flag(priority, normal)),
    erlang:display(erlang:yield()),
    erlang:display(r(catch process_flag(priority, bogus))),
    ok.

%% Polls until process P has status S (a process starts runnable and soon waits).
wait_status(P, S, 0) -> process_info(P, status) =:= {status, S};
wait_status(P, S, N) ->
    case process_info(P, status) of
        {status, S} -> {status, S};
        _ -> receive after 1 -> wait_status(P, S, N - 1) end
    end.
