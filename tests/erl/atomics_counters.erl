-module(atomics_counters).
-export([main/0]).
%% atomics and counters: every function, signed/unsigned wrap-around, bounds, errors with
%% their error_info, and concurrent updates from many processes without lost increments.
main() ->
    D = fun(X) -> erlang:display(X) end,
    A = atomics:new(4, []),
    D([atomics:get(A, I) || I <- [1, 2, 3, 4]]),
    D(atomics:put(A, 1, 42)), D(atomics:get(A, 1)),
    D(atomics:add(A, 1, 8)), D(atomics:add_get(A, 1, -100)),
    D(atomics:sub(A, 2, 5)), D(atomics:sub_get(A, 2, 5)),
    D(atomics:exchange(A, 3, 7)), D(atomics:exchange(A, 3, 9)),
    D(atomics:compare_exchange(A, 3, 9, 10)), D(atomics:compare_exchange(A, 3, 9, 11)),
    D(atomics:put(A, 4, (1 bsl 63) - 1)), D(atomics:add_get(A, 4, 1)),
    D(atomics:add_get(A, 4, -1)),
    I = atomics:info(A),
    D({maps:get(size, I), maps:get(max, I), maps:get(min, I)}),
    U = atomics:new(2, [{signed, false}]),
    D(atomics:sub_get(U, 1, 1)), D(atomics:add_get(U, 1, 2)),
    D(atomics:put(U, 2, (1 bsl 64) - 1)), D(atomics:get(U, 2)),
    IU = atomics:info(U),
    D({maps:get(size, IU), maps:get(max, IU), maps:get(min, IU)}),
    E = fun(F) -> try F() of V -> {ok, V} catch error:R:St -> [{M, Fn, _, Info} | _] = St,
                                                 {R, M, Fn, proplists:get_value(error_info, Info)} end end,
    [D(E(F)) || F <- [fun() -> atomics:new(0, []) end,
                      fun() -> atomics:new(2, [bad]) end,
                      fun() -> atomics:new(a, []) end,
                      fun() -> atomics:get(A, 0) end,
                      fun() -> atomics:get(A, 5) end,
                      fun() -> atomics:get(make_ref(), 1) end,
                      fun() -> atomics:put(A, 1, 1 bsl 63) end,
                      fun() -> atomics:put(U, 1, -1) end,
                      fun() -> atomics:add(A, 1, 1 bsl 64) end,
                      fun() -> atomics:add(A, 1, x) end,
                      fun() -> atomics:sub(A, 1, x) end,
                      fun() -> counters:new(0, []) end,
                      fun() -> counters:new(1, [bad]) end,
                      fun() -> counters:get(x, 1) end,
                      fun() -> counters:add(counters:new(1, []), 2, 1) end,
                      fun() -> counters:put(counters:new(1, [write_concurrency]), 1, 1 bsl 63) end]],
    [begin
         C = counters:new(3, Opts),
         D(counters:add(C, 1, 5)), D(counters:sub(C, 1, 7)), D(counters:get(C, 1)),
         D(counters:put(C, 2, 1 bsl 62)), D(counters:add(C, 2, 1 bsl 62)), D(counters:get(C, 2)),
         D(maps:get(size, counters:info(C)))
     end || Opts <- [[], [atomics], [write_concurrency]]],
    %% Concurrent increments.
    Ca = counters:new(1, []), Cw = counters:new(1, [write_concurrency]), At = atomics:new(1, []),
    Ps = [spawn_monitor(fun() -> bump(Ca, Cw, At, 5000) end) || _ <- lists:seq(1, 8)],
    [receive {'DOWN', M, _, _, normal} -> ok end || {_, M} <- Ps],
    D({counters:get(Ca, 1), counters:get(Cw, 1), atomics:get(At, 1)}),
    ok.

bump(_, _, _, 0) -> ok;
bump(Ca, Cw, At, N) ->
    counters:add(Ca, 1, 1), counters:add(Cw, 1, 2), atomics:add_get(At, 1, 3),
    bump(Ca, Cw, At, N - 1).
