-module(atomics_counters).
-export([main/0]).
%% atomics and counters: every function, signed/unsigned wrap-around, bounds, info maps,
%% errors with their error_info and formatted messages, references of one kind refused by the
%% other's functions, references kept across term_to_binary and processes, and concurrent
%% updates from many processes without lost updates. Prints no references nor memory sizes.

main() ->
    atomics_basics(),
    unsigned(),
    counters_basics(),
    errors(),
    kinds(),
    sharing(),
    concurrent(),
    ok.

d(X) -> erlang:display(X).

atomics_basics() ->
    A = atomics:new(4, []),
    d(is_reference(A)),
    d([atomics:get(A, I) || I <- [1, 2, 3, 4]]),
    d(atomics:put(A, 1, 42)), d(atomics:get(A, 1)),
    d(atomics:add(A, 1, 8)), d(atomics:add_get(A, 1, -100)),
    d(atomics:sub(A, 2, 5)), d(atomics:sub_get(A, 2, 5)),
    d(atomics:exchange(A, 3, 7)), d(atomics:exchange(A, 3, 9)),
    d(atomics:compare_exchange(A, 3, 9, 10)), d(atomics:compare_exchange(A, 3, 9, 11)),
    d(atomics:get(A, 3)),
    %% Wrap-around at both ends of the signed range.
    d(atomics:put(A, 4, (1 bsl 63) - 1)), d(atomics:add_get(A, 4, 1)),
    d(atomics:add_get(A, 4, -1)), d(atomics:sub_get(A, 4, -1)),
    d(atomics:put(A, 4, -(1 bsl 63))), d(atomics:sub_get(A, 4, 1)),
    %% Increments may span the signed and the unsigned range.
    d(atomics:put(A, 4, 0)), d(atomics:add_get(A, 4, (1 bsl 64) - 1)),
    d(atomics:add_get(A, 4, 1 bsl 63)), d(atomics:add_get(A, 4, -(1 bsl 63))),
    d(atomics:sub_get(A, 4, -(1 bsl 64) + 1)),
    d(atomics:exchange(A, 4, -(1 bsl 63))), d(atomics:get(A, 4)),
    d(atomics:compare_exchange(A, 4, -(1 bsl 63), (1 bsl 63) - 1)), d(atomics:get(A, 4)),
    %% Big and small values in and out.
    d(atomics:put(A, 2, 1 bsl 40)), d(atomics:add_get(A, 2, 1 bsl 60)),
    d(atomics:sub_get(A, 2, 1 bsl 61)),
    info(atomics:info(A)),
    info(atomics:info(atomics:new(1, [{signed, true}]))),
    info(atomics:info(atomics:new(3, [{signed, true}, {signed, false}]))),
    info(atomics:info(atomics:new(3, [{signed, false}, {signed, true}]))),
    info(atomics:info(atomics:new(1000, []))),
    %% The option word of erts_internal:atomics_new/2: bit 0 is signedness.
    info(atomics:info(erts_internal:atomics_new(2, 0))),
    info(atomics:info(erts_internal:atomics_new(2, 7))),
    info(atomics:info(erts_internal:atomics_new(2, 1 bsl 63))),
    ok.

%% An info map without its memory size (but checking that there is one).
info(#{memory := M} = I) when is_integer(M), M > 0 ->
    d(maps:remove(memory, I));
info(I) ->
    d({bad_info, I}).

unsigned() ->
    U = atomics:new(2, [{signed, false}]),
    d(atomics:sub_get(U, 1, 1)), d(atomics:add_get(U, 1, 2)),
    d(atomics:put(U, 2, (1 bsl 64) - 1)), d(atomics:get(U, 2)),
    d(atomics:add_get(U, 2, -(1 bsl 63))), d(atomics:add_get(U, 2, -(1 bsl 63))),
    d(atomics:add_get(U, 2, (1 bsl 64) - 1)), d(atomics:sub(U, 2, 1 bsl 63)),
    d(atomics:get(U, 2)),
    d(atomics:exchange(U, 1, 1 bsl 63)),
    d(atomics:compare_exchange(U, 1, 1 bsl 63, (1 bsl 64) - 1)),
    d(atomics:compare_exchange(U, 1, 0, 1)),
    info(atomics:info(U)).

counters_basics() ->
    [begin
         C = counters:new(3, Opts),
         d(element(1, C)),
         d(counters:add(C, 1, 5)), d(counters:sub(C, 1, 7)), d(counters:get(C, 1)),
         d(counters:put(C, 2, 1 bsl 62)), d(counters:add(C, 2, 1 bsl 62)), d(counters:get(C, 2)),
         d(counters:put(C, 3, (1 bsl 63) - 1)), d(counters:add(C, 3, 1)), d(counters:get(C, 3)),
         d(counters:sub(C, 3, 1)), d(counters:get(C, 3)),
         d(counters:add(C, 3, (1 bsl 64) - 1)), d(counters:get(C, 3)),
         d(counters:sub(C, 3, -(1 bsl 63))), d(counters:get(C, 3)),
         d(counters:put(C, 1, -(1 bsl 63))), d(counters:get(C, 1)),
         d(counters:put(C, 1, 0)), d(counters:get(C, 1)),
         info(counters:info(C))
     end || Opts <- [[], [atomics], [write_concurrency]]],
    info(counters:info(counters:new(100, [write_concurrency]))),
    ok.

errors() ->
    A = atomics:new(2, []),
    U = atomics:new(2, [{signed, false}]),
    Ca = counters:new(2, []),
    Cw = counters:new(2, [write_concurrency]),
    {write_concurrency, Rw} = Cw,
    Big = 1 bsl 70,
    Cases =
        [fun() -> atomics:new(0, []) end,
         fun() -> atomics:new(-1, []) end,
         fun() -> atomics:new(-Big, []) end,
         fun() -> atomics:new(1.0, []) end,
         fun() -> atomics:new(a, []) end,
         fun() -> atomics:new(Big, []) end,
         fun() -> atomics:new(1 bsl 61, []) end,
         fun() -> atomics:new((1 bsl 64) - 1, []) end,
         fun() -> atomics:new(2, [bad]) end,
         fun() -> atomics:new(2, [{signed, x}]) end,
         fun() -> atomics:new(2, x) end,
         fun() -> atomics:new(2, [{signed, true} | x]) end,
         fun() -> erts_internal:atomics_new(2, -1) end,
         fun() -> erts_internal:atomics_new(2, x) end,
         fun() -> erts_internal:atomics_new(2, 1 bsl 64) end,
         fun() -> erts_internal:atomics_new(2, -Big) end,
         fun() -> erts_internal:atomics_new(0, Big) end,
         fun() -> erts_internal:atomics_new(x, Big) end,
         fun() -> erts_internal:atomics_new(Big, x) end,
         fun() -> erts_internal:atomics_new(Big, -1) end,
         fun() -> erts_internal:atomics_new(1 bsl 61, x) end,
         fun() -> erts_internal:atomics_new(1 bsl 61, -1) end,
         fun() -> erts_internal:atomics_new(1 bsl 61, 0) end,
         fun() -> atomics:get(A, 0) end,
         fun() -> atomics:get(A, 3) end,
         fun() -> atomics:get(A, -1) end,
         fun() -> atomics:get(A, Big) end,
         fun() -> atomics:get(A, 1.0) end,
         fun() -> atomics:get(A, a) end,
         fun() -> atomics:get(make_ref(), 1) end,
         fun() -> atomics:get(x, 1) end,
         fun() -> atomics:get(Ca, 1) end,
         fun() -> atomics:put(A, 1, 1 bsl 63) end,
         fun() -> atomics:put(A, 1, -(1 bsl 63) - 1) end,
         fun() -> atomics:put(A, 1, x) end,
         fun() -> atomics:put(A, 3, 0) end,
         fun() -> atomics:put(U, 1, -1) end,
         fun() -> atomics:put(U, 1, 1 bsl 64) end,
         fun() -> atomics:put(make_ref(), 1, 1) end,
         fun() -> atomics:add(A, 1, 1 bsl 64) end,
         fun() -> atomics:add(A, 1, -(1 bsl 63) - 1) end,
         fun() -> atomics:add(A, 1, x) end,
         fun() -> atomics:add(A, 1, 1.0) end,
         fun() -> atomics:add(A, 0, 1) end,
         fun() -> atomics:add(x, 1, 1) end,
         fun() -> atomics:add_get(A, 1, 1 bsl 64) end,
         fun() -> atomics:add_get(U, 1, -(1 bsl 63) - 1) end,
         fun() -> atomics:add_get(A, 3, 1) end,
         fun() -> atomics:add_get(x, 1, 1) end,
         fun() -> atomics:sub(A, 1, x) end,
         fun() -> atomics:sub(A, 1, -(1 bsl 64)) end,
         fun() -> atomics:sub(A, 1, (1 bsl 63) + 1) end,
         fun() -> atomics:sub(A, 3, 1) end,
         fun() -> atomics:sub(x, 1, 1) end,
         fun() -> atomics:sub_get(A, 1, x) end,
         fun() -> atomics:sub_get(U, 1, (1 bsl 63) + 1) end,
         fun() -> atomics:sub_get(A, 3, 1) end,
         fun() -> atomics:exchange(A, 1, 1 bsl 63) end,
         fun() -> atomics:exchange(U, 1, -1) end,
         fun() -> atomics:exchange(A, 3, 1) end,
         fun() -> atomics:exchange(A, 1, x) end,
         fun() -> atomics:exchange(x, 1, 1) end,
         fun() -> atomics:compare_exchange(A, 1, 1 bsl 63, 0) end,
         fun() -> atomics:compare_exchange(A, 1, 0, 1 bsl 63) end,
         fun() -> atomics:compare_exchange(U, 1, -1, 0) end,
         fun() -> atomics:compare_exchange(U, 1, 0, -1) end,
         fun() -> atomics:compare_exchange(A, 3, 0, 0) end,
         fun() -> atomics:compare_exchange(A, 1, x, 0) end,
         fun() -> atomics:compare_exchange(x, 1, 0, 0) end,
         fun() -> atomics:info(x) end,
         fun() -> atomics:info(make_ref()) end,
         fun() -> atomics:info(Ca) end,
         fun() -> counters:new(0, []) end,
         fun() -> counters:new(-1, [write_concurrency]) end,
         fun() -> counters:new(a, [write_concurrency]) end,
         fun() -> counters:new(1.0, []) end,
         fun() -> counters:new(Big, []) end,
         fun() -> counters:new(Big, [write_concurrency]) end,
         fun() -> counters:new((1 bsl 64) - 1, [write_concurrency]) end,
         fun() -> counters:new(1 bsl 61, [write_concurrency]) end,
         fun() -> counters:new(1, [bad]) end,
         fun() -> counters:new(1, [atomics, write_concurrency]) end,
         fun() -> counters:new(1, x) end,
         fun() -> erts_internal:counters_new(0) end,
         fun() -> erts_internal:counters_new(x) end,
         fun() -> counters:get(x, 1) end,
         fun() -> counters:get({x, Rw}, 1) end,
         fun() -> counters:get(Ca, 0) end,
         fun() -> counters:get(Cw, 0) end,
         fun() -> counters:get(Cw, 3) end,
         fun() -> counters:get(Cw, a) end,
         fun() -> counters:get({write_concurrency, make_ref()}, 1) end,
         fun() -> counters:add(Ca, 3, 1) end,
         fun() -> counters:add(Cw, 3, 1) end,
         fun() -> counters:add(Ca, 1, x) end,
         fun() -> counters:add(Cw, 1, x) end,
         fun() -> counters:add(Cw, 1, 1 bsl 64) end,
         fun() -> counters:add(Cw, 1, -(1 bsl 63) - 1) end,
         fun() -> counters:add(Ca, 1, 1 bsl 64) end,
         fun() -> counters:add(x, 1, 1) end,
         fun() -> counters:sub(Ca, 1, x) end,
         fun() -> counters:sub(Cw, 1, x) end,
         fun() -> counters:sub(Cw, 3, 1) end,
         fun() -> counters:sub(Cw, 1, (1 bsl 63) + 1) end,
         fun() -> counters:sub(x, 1, 1) end,
         fun() -> counters:put(Ca, 1, 1 bsl 63) end,
         fun() -> counters:put(Cw, 1, 1 bsl 63) end,
         fun() -> counters:put(Cw, 1, (1 bsl 64) - 1) end,
         fun() -> counters:put(Cw, 1, -(1 bsl 63) - 1) end,
         fun() -> counters:put(Cw, 1, x) end,
         fun() -> counters:put(Cw, 3, 1) end,
         fun() -> counters:put(Ca, 0, 1) end,
         fun() -> counters:put(x, 1, 1) end,
         fun() -> counters:info(x) end,
         fun() -> counters:info({atomics, x}) end,
         fun() -> counters:info({write_concurrency, make_ref()}) end],
    lists:foreach(fun(F) -> d(catching(F)) end, Cases),
    %% The failed calls changed nothing.
    d({atomics:get(A, 1), atomics:get(U, 1), counters:get(Ca, 1), counters:get(Cw, 1)}),
    ok.

%% The outcome of a call: its value, or its error with the failing function, arity,
%% error_info and the message the error_info module makes of it.
catching(F) ->
    try F() of
        V -> {ok, V}
    catch
        C:R:St ->
            [{M, Fn, Args, Info} | _] = St,
            Ar = case Args of L when is_list(L) -> length(L); N -> N end,
            case proplists:get_value(error_info, Info) of
                undefined ->
                    {C, R, M, Fn, Ar};
                #{module := EM} = EI ->
                    {C, R, M, Fn, Ar, EI, EM:format_error(R, St)}
            end
    end.

%% A reference of one kind is refused by the functions for the other.
kinds() ->
    {atomics, Ra} = counters:new(2, [atomics]),
    {write_concurrency, Rw} = counters:new(2, [write_concurrency]),
    A = atomics:new(2, []),
    d(atomics:get(Ra, 1)),
    d(counters:get({atomics, A}, 1)),
    [d(catching(F))
     || F <- [fun() -> atomics:get(Rw, 1) end,
              fun() -> atomics:put(Rw, 1, 1) end,
              fun() -> atomics:add(Rw, 1, 1) end,
              fun() -> atomics:add_get(Rw, 1, 1) end,
              fun() -> atomics:sub(Rw, 1, 1) end,
              fun() -> atomics:sub_get(Rw, 1, 1) end,
              fun() -> atomics:exchange(Rw, 1, 1) end,
              fun() -> atomics:compare_exchange(Rw, 1, 0, 1) end,
              fun() -> atomics:info(Rw) end,
              fun() -> counters:get({atomics, Rw}, 1) end,
              fun() -> counters:info({atomics, Rw}) end,
              fun() -> counters:get({write_concurrency, Ra}, 1) end,
              fun() -> counters:add({write_concurrency, Ra}, 1, 1) end,
              fun() -> counters:sub({write_concurrency, A}, 1, 1) end,
              fun() -> counters:put({write_concurrency, Ra}, 1, 1) end,
              fun() -> counters:info({write_concurrency, A}) end,
              fun() -> erts_internal:counters_get(Ra, 1) end,
              fun() -> erts_internal:counters_add(A, 1, 1) end,
              fun() -> erts_internal:counters_put(A, 1, 1) end,
              fun() -> erts_internal:counters_info(A) end]],
    ok.

%% References survive the external format and work in other processes.
sharing() ->
    A = atomics:new(2, []),
    C = counters:new(2, [write_concurrency]),
    A2 = binary_to_term(term_to_binary(A)),
    C2 = binary_to_term(term_to_binary(C)),
    d(A =:= A2), d(C =:= C2),
    d(atomics:add_get(A2, 1, 3)), d(counters:add(C2, 1, 4)), d(counters:get(C, 1)),
    Self = self(),
    Pid = spawn(fun() ->
                        receive {A3, C3} ->
                                atomics:put(A3, 2, 11), counters:put(C3, 2, 12),
                                Self ! {self(), done}
                        end
                end),
    Pid ! {A, C},
    receive {Pid, done} -> ok end,
    d({atomics:get(A, 2), counters:get(C, 2)}),
    #{A := X} = #{A => x},
    d(X),
    ok.

%% Many processes update the same cells; no update may be lost.
-define(PROCS, 8).
-define(ROUNDS, 5000).

concurrent() ->
    Ca = counters:new(2, []),
    Cw = counters:new(2, [write_concurrency]),
    At = atomics:new(4, []),
    Au = atomics:new(1, [{signed, false}]),
    Go = make_ref(),
    Self = self(),
    Ps = [spawn_monitor(fun() ->
                                receive Go -> ok end,
                                bump(Ca, Cw, At, Au, ?ROUNDS),
                                Self ! {counted, self()}
                        end)
          || _ <- lists:seq(1, ?PROCS)],
    [P ! Go || {P, _} <- Ps],
    [receive {'DOWN', M, _, _, Why} -> d({down, Why}) end || {_, M} <- Ps],
    Done = lists:sort([receive {counted, P} -> P end || _ <- Ps]),
    d(Done =:= lists:sort([P || {P, _} <- Ps])),
    d({counters:get(Ca, 1), counters:get(Ca, 2)}),
    d({counters:get(Cw, 1), counters:get(Cw, 2)}),
    d([atomics:get(At, I) || I <- [1, 2, 3, 4]]),
    d(atomics:get(Au, 1)),
    %% Every exchange handed on a distinct value (a ticket), none lost or duplicated.
    Tickets = atomics:new(1, []),
    Ts = [spawn_monitor(fun() -> Self ! {tickets, self(), take(Tickets, 1000, [])} end)
          || _ <- lists:seq(1, 4)],
    All = lists:append([receive {tickets, P, L} -> L end || {P, _} <- Ts]),
    [receive {'DOWN', M, _, _, _} -> ok end || {_, M} <- Ts],
    d({length(All), length(lists:usort(All)), lists:min(All), lists:max(All)}),
    %% A spin lock made with exchange guards a plain read-then-write of another cell.
    L = atomics:new(2, []),
    Ls = [spawn_monitor(fun() -> locked_incr(L, 1000) end) || _ <- lists:seq(1, 4)],
    [receive {'DOWN', M, _, _, Why} -> d({down, Why}) end || {_, M} <- Ls],
    d({atomics:get(L, 1), atomics:get(L, 2)}),
    ok.

locked_incr(_, 0) -> ok;
locked_incr(L, N) ->
    case atomics:exchange(L, 1, 1) of
        0 ->
            V = atomics:get(L, 2),
            erlang:yield(),
            atomics:put(L, 2, V + 1),
            1 = atomics:exchange(L, 1, 0),
            locked_incr(L, N - 1);
        1 ->
            erlang:yield(),
            locked_incr(L, N)
    end.

bump(_, _, _, _, 0) -> ok;
bump(Ca, Cw, At, Au, N) ->
    counters:add(Ca, 1, 1), counters:sub(Ca, 2, 3),
    counters:add(Cw, 1, 2), counters:sub(Cw, 2, 1),
    atomics:add_get(At, 1, 3),
    atomics:sub(At, 2, 1 bsl 60),
    atomics:add(At, 3, 1),
    cas_incr(At, 4),
    atomics:sub(Au, 1, 7),
    bump(Ca, Cw, At, Au, N - 1).

%% An increment by compare-and-swap, retried until it wins.
cas_incr(A, Ix) ->
    Old = atomics:get(A, Ix),
    case atomics:compare_exchange(A, Ix, Old, Old + 1) of
        ok -> ok;
        _ -> cas_incr(A, Ix)
    end.

%% Takes tickets with compare_exchange: read the counter, swap in the next value.
take(_, 0, Acc) -> Acc;
take(A, N, Acc) ->
    Old = atomics:get(A, 1),
    case atomics:compare_exchange(A, 1, Old, Old + 1) of
        ok -> take(A, N - 1, [Old | Acc]);
        _ -> take(A, N, Acc)
    end.
