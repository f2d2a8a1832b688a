%% Resources of the nif_resource test NIF (c-tests/nifs/nif_resource.c): types and what
%% opening them reports, resource terms as references (equality, printing, external format,
%% copies to other processes and ETS), destructors after the last term and keep are gone,
%% resource binaries, dynamic calls, and process monitors held by resources.
-module(nif_resource).
-export([main/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_resource"), 0).

new(_) -> erlang:nif_error(not_loaded).
value(_) -> erlang:nif_error(not_loaded).
info(_) -> erlang:nif_error(not_loaded).
load_state() -> erlang:nif_error(not_loaded).
is_destroyed(_) -> erlang:nif_error(not_loaded).
hold(_) -> erlang:nif_error(not_loaded).
unhold() -> erlang:nif_error(not_loaded).
watch(_) -> erlang:nif_error(not_loaded).
watch_counter(_, _) -> erlang:nif_error(not_loaded).
dyn(_, _, _) -> erlang:nif_error(not_loaded).

main() ->
    erlang:display(load_state()),
    R = new(42),
    erlang:display(value(R)),
    erlang:display({is_reference(R), R =:= R, R == new(43), R < make_ref() orelse true}),
    erlang:display(info(R)),
    erlang:display(lists:prefix("#Ref<", lists:flatten(io_lib:format("~p", [R])))),
    erlang:display(badarg(fun() -> value(make_ref()) end)),
    erlang:display(badarg(fun() -> value(foo) end)),
    B = term_to_binary(R),
    erlang:display(byte_size(B)),
    R2 = binary_to_term(B),
    erlang:display({R2 =:= R, value(R2)}),
    erlang:display(#{R => 1} =:= #{R2 => 1}),
    erlang:display(erlang:phash2(R) =:= erlang:phash2(R2)),
    %% A dropped term's destructor runs after the next GC.
    erlang:display(gc_drop()),
    %% A process's terms die with it.
    erlang:display(in_process()),
    %% A copy in another process keeps the object alive.
    erlang:display(copied()),
    %% ETS holds a count.
    erlang:display(in_ets()),
    %% enif_keep_resource holds a count until released.
    erlang:display(kept()),
    %% External format of a dead object: a plain reference.
    erlang:display(stale()),
    erlang:display(monitors()),
    erlang:display(dyn(nif_resource, counter, R)),
    erlang:display(dyn(nif_resource, nope, R)),
    erlang:display(dyn(other, watcher, R)),
    erlang:display(dyn(nif_resource, watcher, make_ref())),
    erlang:display(value(R)),
    ok.

badarg(F) ->
    try F() of V -> {value, V} catch error:badarg -> badarg end.

%% Waits (up to 1 s) for the destructor of the counter of value V.
wait_destroyed(V) -> wait_destroyed(V, 200).
wait_destroyed(_, 0) -> timeout;
wait_destroyed(V, K) ->
    case is_destroyed(V) of
        true -> destroyed;
        false -> receive after 5 -> wait_destroyed(V, K - 1) end
    end.

gc_drop() ->
    _ = new(1),
    erlang:garbage_collect(),
    wait_destroyed(1).

in_process() ->
    {P, M} = spawn_monitor(fun() -> X = new(2), 2 = value(X) end),
    receive {'DOWN', M, process, P, normal} -> ok end,
    wait_destroyed(2).

copied() ->
    Self = self(),
    P = spawn(fun() -> receive {res, X} -> Self ! {got, value(X)}, receive go -> Self ! {again, value(X)} end end end),
    send_new(P),
    erlang:garbage_collect(),
    G = receive {got, V} -> V end,
    erlang:garbage_collect(),
    receive after 20 -> ok end,
    Before = is_destroyed(3),
    P ! go,
    A = receive {again, W} -> W end,
    {G, Before, A, wait_destroyed(3)}.

send_new(P) -> P ! {res, new(3)}, ok.

in_ets() ->
    T = ets:new(t, [set]),
    ets_put(T),
    erlang:garbage_collect(),
    receive after 20 -> ok end,
    Before = is_destroyed(4),
    [{k, X}] = ets:lookup(T, k),
    V = value(X),
    ets:delete(T, k),
    {Before, V, ets_after()}.

ets_after() ->
    erlang:garbage_collect(),
    wait_destroyed(4).

ets_put(T) -> ets:insert(T, {k, new(4)}).

kept() ->
    hold_new(),
    erlang:garbage_collect(),
    receive after 20 -> ok end,
    Before = is_destroyed(5),
    unhold(),
    {Before, wait_destroyed(5)}.

hold_new() -> hold(new(5)).

stale() ->
    B = stale_bin(),
    erlang:garbage_collect(),
    D = wait_destroyed(6),
    X = binary_to_term(B),
    {D, is_reference(X), badarg(fun() -> value(X) end)}.

stale_bin() -> term_to_binary(new(6)).

monitors() ->
    Self = self(),
    P = spawn(fun() -> receive stop -> ok end end),
    {R1, W, MonTerm, R2, C11, C12, Dm} = watch(P),
    Shape = {R1, is_reference(W), is_reference(MonTerm), R2, C11, C12, Dm},
    P ! stop,
    Down = receive {down, P, MT} -> {down, MT =:= MonTerm} after 2000 -> timeout end,
    Again = receive {down, _, _} -> twice after 100 -> once end,
    Dyn = dyn(nif_resource, watcher, W),
    {Dead, _} = watch(P),
    NoDown = watch_counter(new(9), Self),
    {Shape, Down, Again, Dyn, Dead, NoDown}.
