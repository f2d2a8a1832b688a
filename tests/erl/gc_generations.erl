-module(gc_generations).
-export([main/0]).
%% Long-lived data of every kind (lists, tuples, maps, big maps, floats, bignums, refc and
%% heap binaries, sub-binaries, funs capturing old terms, the process dictionary, pending
%% messages) survives many minor and major collections while new data pointing at it is
%% made, under several fullsweep_after and min_heap_size settings; parts of it are sent to
%% other processes and kept in ETS. The checksums must equal the real erl's.
main() ->
    D = fun(X) -> erlang:display(X) end,
    Settings = [[], [{fullsweep_after, 0}], [{fullsweep_after, 1}], [{fullsweep_after, 5}],
                [{min_heap_size, 10000}], [{fullsweep_after, 2}, {min_heap_size, 400}]],
    D([run(S) || S <- Settings]),
    ok.

run(Opts) ->
    Self = self(),
    {Pid, Ref} = spawn_opt(fun() -> Self ! {self(), work()} end, [monitor | Opts]),
    R = receive {Pid, V} -> V end,
    receive {'DOWN', Ref, process, Pid, normal} -> ok end,
    R.

work() ->
    Big = maps:from_list([{I, {I, integer_to_list(I)}} || I <- lists:seq(1, 2000)]),
    Bin = binary:copy(<<"0123456789">>, 1000),
    Sub = binary:part(Bin, 1234, 100),
    Fl = [float(I) / 3 || I <- lists:seq(1, 300)],
    Bn = [1 bsl (64 + I) || I <- lists:seq(1, 50)],
    Fun = fun(X) -> X + map_size(Big) + byte_size(Sub) end,
    put(old_key, {Big, Sub}),
    Echo = spawn(fun echo/0),
    T = ets:new(t, []),
    self() ! {pending, lists:seq(1, 500), Sub},
    Acc = churn(3000, {Big, Bin, Sub, Fl, Bn, Fun, Echo, T}, []),
    Echo ! stop,
    {Big2, Sub2} = get(old_key),
    Pending = receive {pending, L, S} -> {lists:sum(L), S} end,
    Objs = lists:sort(ets:tab2list(T)),
    erlang:phash2({Acc, map_size(Big2), Sub2 =:= Sub, Pending, Fun(1), lists:sum(Fl),
                   lists:sum(Bn), length(Objs), erlang:phash2(Objs)}).

%% Each round makes new terms that refer to the old ones, keeps some of them (so they age
%% into the old generation), sends some away and back, and stores some in ETS.
churn(0, _, Keep) -> erlang:phash2(Keep);
churn(N, {Big, Bin, Sub, Fl, Bn, Fun, Echo, T} = Old, Keep) ->
    {I, S} = maps:get(N rem 2000 + 1, Big),
    New = {N, I, S, binary:part(Bin, N rem 9000, 10), lists:nth(N rem 300 + 1, Fl),
           lists:nth(N rem 50 + 1, Bn), Fun(N)},
    Keep1 = case N rem 7 of
                0 -> [New | lists:sublist(Keep, 200)];
                _ -> Keep
            end,
    case N rem 97 of
        0 ->
            Echo ! {self(), {New, Sub}},
            receive {echo, {New2, Sub2}} -> true = (New2 =:= New) andalso (Sub2 =:= Sub) end,
            ets:insert(T, {N, New, Sub});
        _ -> ok
    end,
    case N rem 500 of
        0 -> garbage_collect();
        _ -> ok
    end,
    _Garbage = [lists:seq(1, 20) || _ <- lists:seq(1, 5)],
    churn(N - 1, Old, Keep1).

echo() ->
    receive
        {From, Msg} -> From ! {echo, Msg}, echo();
        stop -> ok
    end.
