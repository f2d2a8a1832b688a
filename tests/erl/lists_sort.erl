-module(lists_sort).
-export([main/0]).
%% Sorting: sort/1,2, usort, keysort, ukeysort, merge, umerge, stability, big deterministic lists.
main() ->
    erlang:display(lists:sort([5, 3, 9, 1, 5, 0, -2])),
    erlang:display(lists:sort(fun(A, B) -> A > B end, [5, 3, 9, 1])),
    erlang:display(lists:usort([5, 3, 9, 1, 5, 3])),
    erlang:display(lists:usort(fun(A, B) -> A >= B end, [1, 3, 2, 3])),
    KL = [{b, 2, x}, {a, 3, y}, {c, 1, z}, {a, 1, w}],
    erlang:display(lists:keysort(1, KL)),
    erlang:display(lists:keysort(2, KL)),
    erlang:display(lists:ukeysort(1, KL)),
    erlang:display(lists:merge([1, 4, 7], [2, 3, 8])),
    erlang:display(lists:merge([[1, 5], [2, 6], [3, 4]])),
    erlang:display(lists:umerge([1, 2, 3], [2, 3, 4])),
    erlang:display(lists:merge3([1], [3], [2])),
    erlang:display(lists:keymerge(1, [{a, 1}, {c, 3}], [{b, 2}])),
    L = lcg(20000, 12345, []),
    S = lists:sort(L),
    erlang:display({length(S), hd(S), lists:last(S), lists:sum(S)}),
    erlang:display(lists:sublist(S, 10)),
    erlang:display(length(lists:usort(L))),
    erlang:display(is_sorted(S)),
    erlang:display(lists:sort([{1, b}, {1, a}, {0, z}])),
    erlang:display(lists:sort(["banana", "apple", "cherry", "app"])),
    erlang:display(lists:sort([3.0, 2, 1.5, 1 bsl 65, -1])),
    erlang:display(lists:reverse(lists:sort(fun(A, B) -> A rem 10 =< B rem 10 end, lists:seq(1, 30)))).

lcg(0, _, Acc) -> Acc;
lcg(N, X, Acc) -> X1 = (X * 1103515245 + 12345) rem 2147483648, lcg(N - 1, X1, [X1 rem 100000 | Acc]).

is_sorted([A, B | T]) when A =< B -> is_sorted([B | T]);
is_sorted([_, _ | _]) -> false;
is_sorted(_) -> true.
