-module(ets_concurrency).
-export([main/0]).
%% Several processes (on all schedulers) insert, update counters and select on shared public
%% tables at once: no update is lost and readers see consistent objects.
main() ->
    Set = ets:new(s, [public, set, {write_concurrency, true}]),
    Ord = ets:new(o, [public, ordered_set, {read_concurrency, true}]),
    Bag = ets:new(b, [public, duplicate_bag]),
    ets:insert(Set, {shared, 0}),
    ets:insert(Ord, {shared, 0}),
    Self = self(),
    N = 8, K = 2000,
    Writers = [spawn_monitor(fun() -> writer(I, K, Set, Ord, Bag) end) || I <- lists:seq(1, N)],
    Readers = [spawn_monitor(fun() -> reader(Set, Ord, 50, Self) end) || _ <- lists:seq(1, 2)],
    [receive {'DOWN', M, _, _, R} -> normal = R end || {_, M} <- Writers ++ Readers],
    Checks = [receive {reader, C} -> C end || _ <- Readers],
    erlang:display(Checks),
    erlang:display(ets:info(Set, size)),
    erlang:display(ets:info(Ord, size)),
    erlang:display(ets:info(Bag, size)),
    erlang:display(ets:lookup(Set, shared)),
    erlang:display(ets:lookup(Ord, shared)),
    erlang:display(lists:sort([ets:lookup_element(Set, {count, I}, 2) || I <- lists:seq(1, N)])),
    erlang:display(ets:select_count(Set, [{{{key, '_', '_'}, '$1'}, [{'>=', '$1', 0}], [true]}])),
    erlang:display(lists:sum(ets:select(Ord, [{{{key, '_', '_'}, '$1'}, [], ['$1']}]))),
    erlang:display(length(ets:lookup(Bag, same))),
    ok.

writer(I, K, Set, Ord, Bag) ->
    ets:insert(Set, {{count, I}, 0}),
    lists:foreach(fun(J) ->
                          ets:insert(Set, {{key, I, J}, J}),
                          ets:insert(Ord, {{key, I, J}, J}),
                          ets:update_counter(Set, shared, 1),
                          ets:update_counter(Ord, shared, {2, 2}),
                          ets:update_counter(Set, {count, I}, 1),
                          case J rem 10 of
                              0 -> ets:insert(Bag, {same, I, J});
                              _ -> ok
                          end
                  end, lists:seq(1, K)).

%% Readers select while writers insert: every object seen is well-formed.
reader(Set, Ord, 0, Parent) ->
    _ = {Set, Ord},
    Parent ! {reader, ok};
reader(Set, Ord, Rounds, Parent) ->
    Objs = ets:select(Set, [{{{key, '$1', '$2'}, '$3'}, [], [{{'$1', '$2', '$3'}}]}]),
    true = lists:all(fun({_, J, V}) -> J =:= V end, Objs),
    Ords = ets:select(Ord, [{{{key, '_', '$1'}, '$2'}, [{'=/=', '$1', '$2'}], ['$_']}]),
    [] = Ords,
    erlang:yield(),
    reader(Set, Ord, Rounds - 1, Parent).
