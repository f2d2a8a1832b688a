-module(persistent_term_ops).
-export([main/0]).
%% persistent_term: put/get/erase, replacing values, keys compared exactly, get/0, info
%% counts, and readers in other processes while a writer updates.
main() ->
    D = fun(X) -> erlang:display(X) end,
    #{count := C0} = persistent_term:info(),
    D(persistent_term:put({?MODULE, a}, [1, 2, 3])),
    D(persistent_term:put({?MODULE, b}, #{x => <<"bin">>})),
    D(persistent_term:put({?MODULE, 1}, int)),
    D(persistent_term:put({?MODULE, 1.0}, float)),
    D(persistent_term:get({?MODULE, a})),
    D(persistent_term:get({?MODULE, b})),
    D({persistent_term:get({?MODULE, 1}), persistent_term:get({?MODULE, 1.0})}),
    D(persistent_term:get({?MODULE, missing}, default)),
    D(try persistent_term:get({?MODULE, missing}) catch error:R -> R end),
    D(persistent_term:put({?MODULE, a}, replaced)),
    D(persistent_term:get({?MODULE, a})),
    D(persistent_term:put({?MODULE, a}, replaced)),
    #{count := C1} = persistent_term:info(),
    D(C1 - C0),
    D(lists:sort([{K, V} || {{M, _} = K, V} <- persistent_term:get(), M =:= ?MODULE])),
    D(persistent_term:erase({?MODULE, 1})),
    D(persistent_term:erase({?MODULE, 1})),
    #{count := C2} = persistent_term:info(),
    D(C2 - C0),
    %% Readers see either the old or the new value, never anything else.
    Self = self(),
    persistent_term:put({?MODULE, counter}, 0),
    Readers = [spawn_monitor(fun() -> Self ! {seen, read_loop(5000, -1)} end) || _ <- [1, 2, 3]],
    [persistent_term:put({?MODULE, counter}, I) || I <- lists:seq(1, 300)],
    [receive {'DOWN', M, _, _, normal} -> ok end || {_, M} <- Readers],
    D([receive {seen, S} -> S end || _ <- Readers]),
    D(persistent_term:get({?MODULE, counter})),
    [persistent_term:erase(K) || {{M, _} = K, _} <- persistent_term:get(), M =:= ?MODULE],
    #{count := C3} = persistent_term:info(),
    D(C3 - C0),
    %% init:restart/0's way to forget them all
    persistent_term:put({?MODULE, last}, here),
    D(erts_internal:erase_persistent_terms()),
    D({persistent_term:get({?MODULE, last}, gone), maps:get(count, persistent_term:info())}),
    ok.

read_loop(0, _) -> monotonic;
read_loop(N, Last) ->
    V = persistent_term:get({?MODULE, counter}),
    case V >= Last of
        true -> read_loop(N - 1, V);
        false -> {went_back, Last, V}
    end.
