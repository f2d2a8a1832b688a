-module(ets_concurrency_full).
%% ETS under concurrent use: 8 writer processes on a public write_concurrency set and a public
%% ordered_set each insert 2000 distinct keys and make 2000 update_counter calls on one shared key
%% and on a key of their own (update_counter/4 creating it); readers select, match, fold and
%% traverse meanwhile and must never see a broken object; races of insert_new, take,
%% update_counter with a default object, select_delete and bag inserts of one object each have
%% exactly one winner.  The parent waits for every process with monitors; only totals are printed.
-export([main/0]).

-define(N, 8).
-define(K, 2000).

d(X) -> erlang:display(X).

main() ->
    writers_and_readers(),
    insert_new_race(),
    take_race(),
    default_counter_race(),
    select_delete_race(),
    bag_race(),
    ok.

%% run Fun(I) for I in 1..N in monitored processes, wait for all, return their exit reasons
run_all(Funs) ->
    Ms = [spawn_monitor(F) || F <- Funs],
    [receive {'DOWN', Ref, process, Pid, Reason} -> Reason end || {Pid, Ref} <- Ms].

%% collect one {Tag, Value} from each of N processes
collect(Tag, N) ->
    [receive {Tag, V} -> V end || _ <- lists:seq(1, N)].

writers_and_readers() ->
    d(writers_and_readers),
    Set = ets:new(s, [public, set, {write_concurrency, true}]),
    Ord = ets:new(o, [public, ordered_set, {write_concurrency, true}, {read_concurrency, true}]),
    ets:insert(Set, {shared, 0}),
    ets:insert(Ord, {shared, 0, 0}),
    Parent = self(),
    Writers = [fun() -> writer(I, Set, Ord) end || I <- lists:seq(1, ?N)],
    Readers = [fun() -> Parent ! {reader, reader(R, Set, Ord, 12, ok)} end || R <- lists:seq(1, 3)],
    Reasons = run_all(Writers ++ Readers),
    d(lists:usort(Reasons)),
    d(collect(reader, 3)),
    %% sizes: N*K distinct keys, the shared key, and one counter key per writer
    d(ets:info(Set, size)),
    d(ets:info(Ord, size)),
    d(ets:lookup(Set, shared)),
    d(ets:lookup(Ord, shared)),
    d([ets:lookup_element(Set, {cnt, I}, 2) || I <- lists:seq(1, ?N)]),
    d([ets:lookup_element(Ord, {cnt, I}, 2) || I <- lists:seq(1, ?N)]),
    %% sums over the data keys
    d(lists:sum(ets:select(Set, [{{{data, '_', '_'}, '$1'}, [], ['$1']}]))),
    d(lists:sum(ets:select(Ord, [{{{data, '_', '_'}, '$1'}, [], ['$1']}]))),
    d(ets:select_count(Set, [{{{data, '$1', '$2'}, '$2'}, [{'>', '$1', 0}], [true]}])),
    d(ets:select_count(Ord, [{{{data, '$1', '$2'}, '$2'}, [{'>', '$1', 0}], [true]}])),
    %% every writer's keys are all there
    d([ets:select_count(Set, [{{{data, I, '_'}, '_'}, [], [true]}]) || I <- lists:seq(1, ?N)]),
    d([length(ets:match(Ord, {{data, I, '$1'}, '_'})) || I <- lists:seq(1, ?N)]),
    %% the ordered_set is in key order
    Keys = [K || {K, _} <- ets:select(Ord, [{{'$1', '_'}, [], [{{'$1', x}}]}])],
    d(Keys =:= lists:sort(Keys)),
    d(length(Keys)),
    d(ets:first(Ord)),
    d(ets:last(Ord)),
    ets:delete(Set),
    ets:delete(Ord).

writer(I, Set, Ord) ->
    lists:foreach(
      fun(J) ->
              true = ets:insert(Set, {{data, I, J}, J}),
              true = ets:insert(Ord, {{data, I, J}, J}),
              ets:update_counter(Set, shared, 1),
              ets:update_counter(Ord, shared, [{2, 1}, {3, J}]),
              ets:update_counter(Set, {cnt, I}, 1, {{cnt, I}, 0}),
              ets:update_counter(Ord, {cnt, I}, {2, 2}, {{cnt, I}, 0})
      end, lists:seq(1, ?K)).

%% readers: every object seen must be whole; the result is ok or the first bad thing seen
reader(_R, _Set, _Ord, 0, Acc) -> Acc;
reader(R, Set, Ord, Rounds, Acc) ->
    Objs = ets:select(Set, [{{{data, '$1', '$2'}, '$3'}, [], [{{'$1', '$2', '$3'}}]}]),
    Ok1 = lists:all(fun({_, J, V}) -> J =:= V end, Objs),
    Bad = ets:select(Ord, [{{{data, '_', '$1'}, '$2'}, [{'=/=', '$1', '$2'}], ['$_']}]),
    Ok2 = Bad =:= [],
    Ok3 = ets:foldl(fun({{data, _, J}, V}, A) -> A andalso J =:= V; (_, A) -> A end, true, Ord),
    Ok4 = walk(Ord, ets:first(Ord), ets:first(Ord), 300),
    [Shared] = ets:lookup(Set, shared),
    Ok5 = is_integer(element(2, Shared)) andalso element(2, Shared) =< ?N * ?K,
    Ok6 = lists:all(fun([J, V]) -> J =:= V end, ets:match(Set, {{data, R, '$1'}, '$2'})),
    Ok7 = case ets:select(Ord, [{{{data, '_', '_'}, '_'}, [], [true]}], 100) of
              '$end_of_table' -> true;
              {L, _} -> lists:all(fun(X) -> X end, L)
          end,
    Ok8 = is_integer(ets:info(Set, size)),
    Now = case Ok1 andalso Ok2 andalso Ok3 andalso Ok4 andalso Ok5 andalso Ok6 andalso Ok7 andalso Ok8 of
              true -> Acc;
              false -> {bad, [Ok1, Ok2, Ok3, Ok4, Ok5, Ok6, Ok7, Ok8]}
          end,
    erlang:yield(),
    reader(R, Set, Ord, Rounds - 1, Now).

%% an ordered_set traversal (of at most N steps) while others insert only ever moves forward
walk(_T, '$end_of_table', _Prev, _N) -> true;
walk(_T, _K, _Prev, 0) -> true;
walk(T, K, Prev, N) ->
    case K >= Prev of
        true -> walk(T, ets:next(T, K), K, N - 1);
        false -> false
    end.

insert_new_race() ->
    d(insert_new_race),
    [begin
         T = ets:new(inr, [public, Type]),
         Parent = self(),
         Fs = [fun() ->
                       Won = [K || K <- lists:seq(1, 500), ets:insert_new(T, {K, I})],
                       Parent ! {won, {I, Won}}
               end || I <- lists:seq(1, ?N)],
         d(lists:usort(run_all(Fs))),
         Wins = collect(won, ?N),
         AllWon = lists:append([W || {_, W} <- Wins]),
         %% every key was won exactly once, by the process whose id is stored
         d({Type, length(AllWon), lists:sort(AllWon) =:= lists:seq(1, 500)}),
         d(lists:all(fun({I, W}) -> lists:all(fun(K) -> ets:lookup(T, K) =:= [{K, I}] end, W) end, Wins)),
         d(ets:info(T, size)),
         ets:delete(T)
     end || Type <- [set, ordered_set, bag]].

take_race() ->
    d(take_race),
    [begin
         T = ets:new(tr, [public, Type, {write_concurrency, true}]),
         ets:insert(T, [{K, K} || K <- lists:seq(1, 3000)]),
         Parent = self(),
         Fs = [fun() ->
                       Got = lists:append([ets:take(T, K) || K <- lists:seq(1, 3000)]),
                       Parent ! {took, Got}
               end || _ <- lists:seq(1, ?N)],
         d(lists:usort(run_all(Fs))),
         Taken = lists:append(collect(took, ?N)),
         d({Type, length(Taken), lists:sum([V || {_, V} <- Taken]), ets:info(T, size)}),
         ets:delete(T)
     end || Type <- [set, ordered_set]].

default_counter_race() ->
    d(default_counter_race),
    [begin
         T = ets:new(dcr, [public, Type, {write_concurrency, true}]),
         Fs = [fun() ->
                       [ets:update_counter(T, K rem 50, {2, I}, {K rem 50, 0}) || K <- lists:seq(1, 1000)]
               end || I <- lists:seq(1, ?N)],
         d(lists:usort(run_all(Fs))),
         %% each key got 20 increments of every I in 1..N
         d({Type, ets:info(T, size),
            lists:usort([V || {_, V} <- ets:tab2list(T)]),
            lists:sum([V || {_, V} <- ets:tab2list(T)])}),
         ets:delete(T)
     end || Type <- [set, ordered_set]].

select_delete_race() ->
    d(select_delete_race),
    T = ets:new(sdr, [public, ordered_set]),
    ets:insert(T, [{K, K rem 4} || K <- lists:seq(1, 4000)]),
    Parent = self(),
    Fs = [fun() ->
                  N = ets:select_delete(T, [{{'_', '$1'}, [{'<', '$1', 2}], [true]}]),
                  Parent ! {deleted, N}
          end || _ <- lists:seq(1, ?N)],
    d(lists:usort(run_all(Fs))),
    d(lists:sum(collect(deleted, ?N))),
    d(ets:info(T, size)),
    d(ets:select_count(T, [{{'_', '$1'}, [{'<', '$1', 2}], [true]}])),
    ets:delete(T).

bag_race() ->
    d(bag_race),
    B = ets:new(br, [public, bag, {write_concurrency, true}]),
    D = ets:new(dbr, [public, duplicate_bag, {write_concurrency, true}]),
    Fs = [fun() ->
                  [begin
                       ets:insert(B, {K rem 10, same}),
                       ets:insert(B, {K rem 10, I}),
                       ets:insert(D, {K rem 10, same})
                   end || K <- lists:seq(1, 500)]
          end || I <- lists:seq(1, ?N)],
    d(lists:usort(run_all(Fs))),
    %% bag: one {K, same} per key plus one {K, I} per writer; duplicate_bag keeps them all
    d(ets:info(B, size)),
    d(lists:sort(ets:lookup(B, 3))),
    d(ets:info(D, size)),
    d(length(ets:lookup(D, 3))),
    d(ets:select_count(D, [{{'_', same}, [], [true]}])),
    ets:delete(B),
    ets:delete(D).
