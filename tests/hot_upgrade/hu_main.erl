%% Hot code upgrade, run the same way on the real erl and on beam (`-s hu_main main`); it
%% prints only facts that do not depend on timing, so both outputs must be the same.
%%
%% 1. A gen_server (hu_counter, version 1, state a count) under a supervisor, called in a loop
%%    by client processes. While they call: sys:suspend, code:load_file of version 2 (its
%%    directory put first in the path), sys:change_code (version 2's code_change/3 turns the
%%    count into a map), sys:resume. No call may be lost or fail, each client sees version 1
%%    replies and then version 2 replies, the counts run on without a gap, and afterwards no
%%    process runs the old code, so code:soft_purge/1 succeeds.
%% 2. A process that stays in version 1's code of hu_worker: code:soft_purge/1 refuses,
%%    code:purge/1 kills it (reason killed); a fun made by version 1 works until the purge and
%%    raises badfun afterwards, also in a process that only holds the fun.
-module(hu_main).
-export([main/0]).

-define(CLIENTS, 8).
-define(V2_CALLS, 25).

main() ->
    V2Dir = filename:join(filename:dirname(filename:dirname(code:which(?MODULE))), "v2"),
    out("loaded first", [hu_counter:version(), hu_worker:version()]),
    gen_server_upgrade(V2Dir),
    purge_old_code(),
    ok.

out(What, Term) -> io:format("~s: ~p~n", [What, Term]).

%% --- 1 ---------------------------------------------------------------------------------

gen_server_upgrade(V2Dir) ->
    {ok, Sup} = hu_sup:start_link(),
    unlink(Sup),
    Pid = whereis(hu_counter),
    Self = self(),
    Clients = [spawn_link(fun() -> client(Self) end) || _ <- lists:seq(1, ?CLIENTS)],
    [receive {warm, C} -> ok end || C <- Clients],
    out("suspend", sys:suspend(Pid)),
    %% Every client ends up waiting on one call the suspended server has not taken yet.
    out("calls queued while suspended", wait_queue(Pid, ?CLIENTS, 2000)),
    out("add v2 to the path", code:add_patha(V2Dir)),
    out("load v2", code:load_file(hu_counter)),
    out("old code exists", erlang:check_old_code(hu_counter)),
    out("change_code", sys:change_code(Pid, hu_counter, "1", {extra, 42})),
    out("resume", sys:resume(Pid)),
    Results = [receive {done, C, R} -> R end || C <- Clients],
    All = lists:append(Results),
    out("calls failed", [R || R <- All, element(1, R) =/= v1, element(1, R) =/= v2]),
    out("each client saw v1 then v2", lists:all(fun v1_then_v2/1, Results)),
    Counts = lists:sort([N || {_, N} <- All]),
    out("counts are 1..calls, none lost or repeated", Counts =:= lists:seq(1, length(All))),
    MaxV1 = lists:max([N || {v1, N} <- All]),
    MinV2 = lists:min([N || {v2, N} <- All]),
    out("v2 continued v1's count", MinV2 =:= MaxV1 + 1),
    #{count := Count, upgraded_from := From, extra := Extra} = sys:get_state(Pid),
    out("state transformed", {Count =:= length(All), From, Extra}),
    out("same server, not restarted", whereis(hu_counter) =:= Pid),
    out("children",
        [{Id, P =:= Pid, Type, Mods} || {Id, P, Type, Mods} <- supervisor:which_children(Sup)]),
    out("version now", {hu_counter:version(),
                        proplists:get_value(vsn, hu_counter:module_info(attributes))}),
    out("soft_purge", code:soft_purge(hu_counter)),
    out("old code exists", erlang:check_old_code(hu_counter)),
    out("a call after the purge", hu_counter:bump() =:= {v2, length(All) + 1}),
    ok.

wait_queue(Pid, Want, Left) ->
    case process_info(Pid, message_queue_len) of
        {message_queue_len, Want} -> Want;
        _ when Left =< 0 -> process_info(Pid, message_queue_len);
        _ -> timer:sleep(5), wait_queue(Pid, Want, Left - 5)
    end.

client(Parent) -> client(Parent, 0, 0, []).

%% Calls until it has had ?V2_CALLS replies from version 2; tells Parent after 5 replies.
client(Parent, Calls, V2, Acc) when V2 >= ?V2_CALLS ->
    _ = Calls,
    Parent ! {done, self(), lists:reverse(Acc)};
client(Parent, Calls, V2, Acc) ->
    Calls =:= 5 andalso (Parent ! {warm, self()}),
    R = try hu_counter:bump() catch C:E -> {C, E} end,
    case R of
        {v2, _} -> client(Parent, Calls + 1, V2 + 1, [R | Acc]);
        {v1, _} -> client(Parent, Calls + 1, V2, [R | Acc]);
        _ -> Parent ! {done, self(), lists:reverse([R | Acc])}
    end.

v1_then_v2(Rs) ->
    {V1, Rest} = lists:splitwith(fun(R) -> element(1, R) =:= v1 end, Rs),
    V1 =/= [] andalso Rest =/= [] andalso lists:all(fun(R) -> element(1, R) =:= v2 end, Rest).

%% --- 2 ---------------------------------------------------------------------------------

purge_old_code() ->
    W = hu_worker:start(),
    Ref = monitor(process, W),
    F1 = hu_worker:make_fun(),
    Holder = spawn(fun() -> holder(F1) end),
    out("v1 worker", ask(W)),
    out("load v2 of hu_worker", code:load_file(hu_worker)),
    out("version now", hu_worker:version()),
    out("old worker still on v1", ask(W)),
    out("old worker runs old code", erlang:check_process_code(W, hu_worker)),
    out("v1 fun before the purge", F1(a)),
    out("holder calls the v1 fun before the purge", holder_call(Holder, b)),
    F2 = hu_worker:make_fun(),
    out("v2 fun", F2(c)),
    W2 = hu_worker:start(),
    out("new worker", ask(W2)),
    out("loading again while old code is in use", code:load_file(hu_worker)),
    %% (The code server logs the failed load: that report reaches stdout at some later
    %% point; the test compares it apart from the rest.)
    out("soft_purge with a process on old code", code:soft_purge(hu_worker)),
    out("worker alive after soft_purge", is_process_alive(W)),
    out("purge", code:purge(hu_worker)),
    out("old worker ended", receive {'DOWN', Ref, process, W, Why} -> Why
                            after 5000 -> still_running end),
    out("old code exists", erlang:check_old_code(hu_worker)),
    out("new worker after the purge", ask(W2)),
    out("v1 fun after the purge", call_fun(F1, d)),
    out("holder alive after the purge", is_process_alive(Holder)),
    out("holder calls the v1 fun after the purge", holder_call(Holder, e)),
    out("v2 fun after the purge", F2(f)),
    out("soft_purge with no old code", code:soft_purge(hu_worker)),
    out("purge with no old code", code:purge(hu_worker)),
    W2 ! stop,
    %% The runtime sends the refused load's report to the logger process, which hands it
    %% to the handler's process: a call to each, in that order, waits until it is written
    %% (else `init:stop` may come first and the report is lost, on the real erl too).
    _ = sys:get_state(logger),
    ok = logger_std_h:filesync(default),
    ok.

ask(W) ->
    W ! {ask, self()},
    receive {worker, _, _} = R -> R after 5000 -> no_answer end.

call_fun(F, X) ->
    try F(X) of
        R -> {returned, R}
    catch
        error:{badfun, G} -> {error, badfun, G =:= F};
        C:E -> {C, E}
    end.

holder(F) ->
    receive
        {call, X, From} -> From ! {held, call_fun(F, X)}, holder(F)
    end.

holder_call(H, X) ->
    H ! {call, X, self()},
    receive {held, R} -> R after 5000 -> no_answer end.
