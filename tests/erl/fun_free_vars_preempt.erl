-module(fun_free_vars_preempt).
%% Calls of funs with free variables that end a time slice at the call itself: the free
%% variables (in X registers after the arguments) must survive while other processes run on
%% the same scheduler. Several processes loop over closures at once so that slices end at
%% calls and others run in between.
-export([main/0]).

main() ->
    Self = self(),
    Pids = [spawn_link(fun() -> Self ! {self(), worker(N)} end) || N <- lists:seq(1, 6)],
    Results = [receive {P, R} -> R end || P <- Pids],
    erlang:display(Results),
    ok.

worker(N) ->
    Tag = {tag, N, make_ref() =/= make_ref()},
    Bin = list_to_binary(lists:duplicate(N, $x)),
    F = fun(I, Acc) ->
                {tag, N, true} = Tag,
                Acc + I + byte_size(Bin)
        end,
    G = fun(I) -> F(I, 0) end,
    lists:foldl(fun(I, Acc) -> Acc + G(I) end, 0, lists:seq(1, 200000)).
