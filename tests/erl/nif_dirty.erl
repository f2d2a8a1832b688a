%% Dirty schedulers (c-tests/nifs/nif_dirty.c): dirty CPU and I/O NIFs, enif_thread_type,
%% enif_schedule_nif between normal and dirty schedulers, yielding NIFs, exceptions and
%% their stack traces, what a dirty NIF may do, and how the rest of the system sees a
%% process in a dirty call (process_info answers, exit signals take effect at once, normal
%% schedulers keep running). One normal scheduler, one dirty CPU and four dirty I/O ones.
%% vm_flags: +S 1 +SDio 4
-module(nif_dirty).
-export([main/0, storm/0, cpu_thread_type/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_dirty"), 0).

thread_type() -> erlang:nif_error(not_loaded).
cpu_thread_type() -> erlang:nif_error(not_loaded).
io_thread_type() -> erlang:nif_error(not_loaded).
nap(_) -> erlang:nif_error(not_loaded).
cpu_nap(_) -> erlang:nif_error(not_loaded).
io_nap(_) -> erlang:nif_error(not_loaded).
cpu_build(_, _, _) -> erlang:nif_error(not_loaded).
cpu_raise(_) -> erlang:nif_error(not_loaded).
io_whoami() -> erlang:nif_error(not_loaded).
cpu_send(_, _) -> erlang:nif_error(not_loaded).
chain(_, _) -> erlang:nif_error(not_loaded).
schedule_fail(_) -> erlang:nif_error(not_loaded).
schedule_bad(_, _) -> erlang:nif_error(not_loaded).
sum(_) -> erlang:nif_error(not_loaded).
consume(_) -> erlang:nif_error(not_loaded).

show(Label, V) -> io:format("~s: ~p~n", [Label, V]).

%% An exception's class, reason and the top frame of its stack trace (without locations).
catch_top(F) ->
    try F() of
        V -> {value, V}
    catch
        C:R:St -> [{M, Fn, A, _} | _] = St, {C, R, {M, Fn, A}}
    end.

ms_since(T0) -> erlang:monotonic_time(millisecond) - T0.

main() ->
    show("system_info", [erlang:system_info(I) || I <- [schedulers, dirty_cpu_schedulers,
                                                      dirty_cpu_schedulers_online,
                                                      dirty_io_schedulers]]),
    show("flag online 2", catch_top(fun() ->
        erlang:system_flag(dirty_cpu_schedulers_online, 2) end)),
    show("flag online 1", erlang:system_flag(dirty_cpu_schedulers_online, 1)),
    show("thread types", {thread_type(), cpu_thread_type(), io_thread_type()}),
    show("naps", {nap(1), cpu_nap(5), io_nap(5)}),
    show("build", cpu_build(5, <<1, 2, 3>>, {arg, [a, "b"], self() =:= self()})),
    Big = binary:copy(<<"abc">>, 100000),
    {{big, _}, L, Rev} = cpu_build(200000, Big, {big, Big}),
    show("big build", {length(L), lists:sum(L), byte_size(Rev), binary:part(Rev, 0, 6)}),
    show("raise badarg", catch_top(fun() -> cpu_raise(foo) end)),
    show("raise term", catch_top(fun() -> cpu_raise(42) end)),
    show("self in dirty", io_whoami() =:= self()),
    show("send from dirty", cpu_send(self(), hi)),
    show("received", receive M -> M after 1000 -> timeout end),
    show("chain", chain(7, [])),
    show("fail after normal schedule", catch_top(fun() -> schedule_fail(false) end)),
    show("fail after dirty schedule", catch_top(fun() -> schedule_fail(true) end)),
    show("schedule bad flags", catch_top(fun() -> schedule_bad(4, 1) end)),
    show("schedule too many args", catch_top(fun() -> schedule_bad(0, 256) end)),
    show("schedule io", schedule_bad(2, 1)),
    show("yielding sum", sum(20000000)),
    erlang:yield(),
    show("consume 1%", consume(1)),
    show("consume 100%", consume(100)),
    in_dirty_call(),
    killed_in_dirty_call(),
    normal_schedulers_run(),
    dirty_cpu_pool_is_one_thread(),
    storm().

%% A process in a dirty call: process_info answers, messages queue up, a link is made.
in_dirty_call() ->
    Self = self(),
    P = spawn(fun() -> R = cpu_nap(400), Self ! {done, self(), R},
                       receive M -> Self ! {got, M} end end),
    timer:sleep(100),
    show("status in dirty", process_info(P, [status, current_function, message_queue_len])),
    P ! hello,
    show("queued in dirty", process_info(P, [message_queue_len, messages])),
    show("alive in dirty", is_process_alive(P)),
    show("gc of a process in a dirty call", erlang:garbage_collect(P)),
    receive {done, P, R} -> show("dirty result", R) after 5000 -> show("dirty result", timeout) end,
    receive {got, M} -> show("after dirty", M) after 5000 -> show("after dirty", timeout) end.

%% An exit signal kills a process in a dirty call at once; its result is dropped.
killed_in_dirty_call() ->
    Self = self(),
    P = spawn(fun() -> cpu_nap(1000), exit(should_not_get_here) end),
    timer:sleep(100),
    Ref = monitor(process, P),
    T0 = erlang:monotonic_time(millisecond),
    exit(P, kill),
    receive {'DOWN', Ref, process, P, R} ->
        show("killed in dirty", {R, ms_since(T0) < 600, is_process_alive(P)})
    after 5000 -> show("killed in dirty", timeout)
    end,
    %% A collection asked for during a dirty call of a process that is then killed.
    G = spawn(fun() -> cpu_nap(1000) end),
    timer:sleep(50),
    Asker = spawn(fun() -> Self ! {gc_answer, erlang:garbage_collect(G)} end),
    timer:sleep(50),
    exit(G, kill),
    receive {gc_answer, GcA} -> show("gc of a killed dirty process", GcA)
    after 5000 -> show("gc of a killed dirty process", timeout)
    end,
    _ = Asker,
    %% A linked process that does not trap exits dies with its partner.
    Q = spawn(fun() -> io_nap(1000) end),
    timer:sleep(50),
    Ref2 = monitor(process, Q),
    T1 = erlang:monotonic_time(millisecond),
    exit(Q, boom),
    receive {'DOWN', Ref2, process, Q, R2} -> show("exit in dirty", {R2, ms_since(T1) < 600})
    after 5000 -> show("exit in dirty", timeout)
    end,
    %% The dirty scheduler is free again afterwards.
    show("cpu pool free", cpu_nap(1)).

%% With one normal scheduler, dirty calls do not stop Erlang code from running: four
%% processes sleep in dirty I/O calls while this one counts timer ticks.
normal_schedulers_run() ->
    Self = self(),
    T0 = erlang:monotonic_time(millisecond),
    Ps = [spawn(fun() -> Self ! {napped, io_nap(400)} end) || _ <- lists:seq(1, 4)],
    Ticks = tick(0, T0 + 300),
    show("ticks during dirty calls", Ticks >= 10),
    Rs = [receive {napped, R} -> R after 5000 -> timeout end || _ <- Ps],
    show("dirty io results", Rs),
    %% Four dirty I/O schedulers: the naps overlapped.
    show("io naps overlapped", ms_since(T0) < 1200).

tick(N, Until) ->
    case erlang:monotonic_time(millisecond) >= Until of
        true -> N;
        false -> receive after 10 -> tick(N + 1, Until) end
    end.

%% One dirty CPU scheduler: dirty CPU calls run one at a time.
dirty_cpu_pool_is_one_thread() ->
    Self = self(),
    T0 = erlang:monotonic_time(millisecond),
    [spawn(fun() -> Self ! {napped, cpu_nap(150)} end) || _ <- lists:seq(1, 3)],
    Rs = [receive {napped, R} -> R after 5000 -> timeout end || _ <- lists:seq(1, 3)],
    show("cpu naps", {Rs, ms_since(T0) >= 440}).

%% Many processes in dirty and scheduled calls at once (run by nif_dirty_storm.erl on more
%% schedulers): results intact, kills during dirty calls, collections asked for meanwhile,
%% messages sent to a process in a dirty call all arrive in order.
storm() ->
    Self = self(),
    Workers = [spawn_link(fun() -> Self ! {worker, self(), work(I, 30)} end)
               || I <- lists:seq(1, 200)],
    Victims = [spawn(fun() -> victim(I) end) || I <- lists:seq(1, 100)],
    Refs = [{monitor(process, V), V} || V <- Victims],
    timer:sleep(30),
    [begin erlang:garbage_collect(V), exit(V, kill) end || V <- Victims],
    Killed = [receive {'DOWN', R, process, V, Why} -> Why after 10000 -> timeout end
              || {R, V} <- Refs],
    Results = [receive {worker, W, Res} -> Res after 60000 -> timeout end || W <- Workers],
    show("storm workers", lists:usort(Results)),
    show("storm victims", lists:usort(Killed)),
    Receiver = spawn(fun() -> io_nap(200), Self ! {count, drain(0, [])} end),
    timer:sleep(20),
    [Receiver ! {n, N} || N <- lists:seq(1, 1000)],
    show("messages to a dirty process",
         receive {count, C} -> C after 10000 -> timeout end),
    ok.

victim(I) ->
    case I rem 2 of
        0 -> cpu_nap(200);
        1 -> io_nap(200)
    end,
    victim(I).

drain(N, Seen) ->
    receive {n, M} when M =:= N + 1 -> drain(M, Seen)
    after 0 -> {N, Seen}
    end.

work(_, 0) -> ok;
work(I, K) ->
    Bin = list_to_binary(lists:duplicate(I, K rem 256)),
    Rev = list_to_binary(lists:reverse(binary_to_list(Bin))),
    {{I, K}, L, Rev} = cpu_build(K, Bin, {I, K}),
    L = lists:seq(1, K),
    true = io_whoami() =:= self(),
    [1, 2, 3, 1] = chain(4, []),
    true = cpu_send(self(), {I, K}),
    receive {from_dirty, {I, K}} -> ok after 5000 -> exit(lost_message) end,
    {Sum, _} = sum(I * 1000),
    Sum = (I * 1000) * (I * 1000 + 1) div 2,
    work(I, K - 1).
