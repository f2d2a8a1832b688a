-module(recursion_deep).
-export([main/0]).
%% Deep non-tail recursion (stack growth) and big intermediate lists (GC).
main() ->
    erlang:display(depth(1000000)),
    erlang:display(length(build(500000))),
    erlang:display(lists:sum(build(300000))),
    erlang:display(tree_sum(make_tree(16))),
    erlang:display(map_deep(200000)).

depth(0) -> 0;
depth(N) -> 1 + depth(N - 1).

build(0) -> [];
build(N) -> [N | build(N - 1)].

make_tree(0) -> leaf;
make_tree(D) -> {node, D, make_tree(D - 1), make_tree(D - 1)}.

tree_sum(leaf) -> 0;
tree_sum({node, V, L, R}) -> V + tree_sum(L) + tree_sum(R).

map_deep(N) -> length(lists:map(fun(X) -> {X} end, lists:seq(1, N))).
