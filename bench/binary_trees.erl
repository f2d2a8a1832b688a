-module(binary_trees).
-export([main/0]).
%% The benchmarks-game binary-trees: build and check perfect binary trees of depth 4..MaxDepth
%% (many short-lived trees plus one long-lived one): allocation, GC and deep recursion.
-define(MIN_DEPTH, 4).
main() ->
    MaxDepth = 18,
    T0 = erlang:monotonic_time(microsecond),
    Result = run(MaxDepth),
    T1 = erlang:monotonic_time(microsecond),
    erlang:display(Result),
    erlang:display({bench_us, T1 - T0}).

run(MaxDepth) ->
    Stretch = MaxDepth + 1,
    StretchCheck = check(make(Stretch)),
    LongLived = make(MaxDepth),
    Rows = depths(?MIN_DEPTH, MaxDepth),
    {{stretch, Stretch, StretchCheck}, Rows, {long_lived, MaxDepth, check(LongLived)}}.

depths(D, MaxDepth) when D > MaxDepth -> [];
depths(D, MaxDepth) ->
    Iterations = 1 bsl (MaxDepth - D + ?MIN_DEPTH),
    [{Iterations, D, iterate(Iterations, D, 0)} | depths(D + 2, MaxDepth)].

iterate(0, _, Acc) -> Acc;
iterate(I, D, Acc) -> iterate(I - 1, D, Acc + check(make(D))).

make(0) -> {nil, nil};
make(D) -> {make(D - 1), make(D - 1)}.

check({nil, nil}) -> 1;
check({L, R}) -> 1 + check(L) + check(R).
