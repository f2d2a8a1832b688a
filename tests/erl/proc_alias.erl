-module(proc_alias).
-behaviour(gen_server).
-export([main/0, init/1, handle_call/3, handle_cast/2]).
%% Process aliases (OTP 24+): alias/0,1, unalias/1, monitor/3 with {alias, Mode} and
%% {tag, Tag}, sending to an alias (active, ended, of a dead process, not an alias at all),
%% and gen_server:call, whose replies come back through an alias.
main() ->
    D = fun(X) -> erlang:display(X) end,
    F = fun() -> receive after 50 -> ok end end,
    Flush = fun Flush(Acc) -> receive M -> Flush([M | Acc]) after 50 -> lists:reverse(Acc) end end,
    %% gen_server round trips
    {ok, S} = gen_server:start(?MODULE, 10, []),
    D([gen_server:call(S, {add, N}) || N <- [1, 2, 3]]),
    D(gen_server:call(S, get)),
    %% explicit aliases
    A = alias(),
    A ! one,
    erlang:send(A, two),
    D(erlang:send(A, three, [])),
    D(Flush([])),
    D(unalias(A)),
    A ! four,
    D(Flush([])),
    D(unalias(A)),
    D(unalias(make_ref())),
    %% [reply]: the first message ends it
    R = alias([reply]),
    R ! first, R ! second,
    D(Flush([])),
    D(unalias(R)),
    %% from another process
    B = alias(),
    Self = self(),
    spawn(fun() -> B ! {from_other, 1}, Self ! plain end),
    D(lists:sort(Flush([]))),
    unalias(B),
    %% monitor with alias: demonitor ends the alias
    P = spawn(fun() -> receive stop -> ok end end),
    M = monitor(process, P, [{alias, demonitor}]),
    M ! via_monitor_alias,
    D(Flush([])),
    demonitor(M),
    M ! after_demonitor,
    D(Flush([])),
    %% reply_demonitor: the first message ends alias and monitor
    M2 = monitor(process, P, [{alias, reply_demonitor}]),
    D(length(element(2, process_info(self(), monitors)))),
    M2 ! reply1, M2 ! reply2,
    D(Flush([])),
    D(length(element(2, process_info(self(), monitors)))),
    %% explicit_unalias survives the monitor
    M3 = monitor(process, P, [{alias, explicit_unalias}]),
    P ! stop,
    D(receive {'DOWN', M3, process, P, Why} -> Why end),
    M3 ! still_alias,
    D(Flush([])),
    D(unalias(M3)),
    %% a demonitor alias ends when the DOWN arrives
    Q = spawn(F),
    M4 = monitor(process, Q, [{alias, demonitor}, {tag, my_down}]),
    D(receive {my_down, M4, process, Q, normal} -> tagged_down end),
    M4 ! too_late,
    D(Flush([])),
    %% a monitor of a dead process: immediate DOWN with the tag
    M5 = monitor(process, Q, [{tag, {custom, tag}}]),
    D(receive {{custom, tag}, M5, process, Q, Reason5} -> Reason5 end),
    %% aliases of a process that died are gone
    Me = self(),
    spawn(fun() -> Me ! {alias, alias()} end),
    Dead = receive {alias, X} -> X end,
    receive after 50 -> ok end,
    Dead ! to_dead_alias,
    %% a reference that is no alias: the message is dropped
    make_ref() ! nobody,
    D(Flush([])),
    %% spawn_opt's monitor options
    {W, WM} = spawn_opt(fun() -> receive go -> exit(done) end end,
                        [{monitor, [{tag, spawned_down}, {alias, demonitor}]}]),
    WM ! via_spawn_alias,
    D(Flush([])),
    W ! go,
    D(receive {spawned_down, WM, process, W, Why2} -> Why2 end),
    WM ! after_spawned_down,
    D(Flush([])),
    D(try spawn_opt(F, [{monitor, [bad]}]) catch error:E2 -> E2 end),
    %% bad arguments
    T = fun(G) -> try G() catch error:E -> E end end,
    D([T(fun() -> alias(bad) end), T(fun() -> alias([bad]) end),
       T(fun() -> unalias(not_a_ref) end),
       T(fun() -> monitor(process, self(), [{alias, bad}]) end),
       T(fun() -> monitor(process, self(), [bad]) end),
       T(fun() -> monitor(process, self(), bad) end)]),
    gen_server:stop(S),
    ok.

init(N) -> {ok, N}.
handle_call({add, N}, _From, S) -> {reply, S + N, S + N};
handle_call(get, _From, S) -> {reply, {state, S}, S}.
handle_cast(_, S) -> {noreply, S}.
