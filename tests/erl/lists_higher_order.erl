-module(lists_higher_order).
-export([main/0]).
%% Higher-order lists functions.
main() ->
    L = lists:seq(1, 10),
    erlang:display(lists:map(fun(X) -> X * X end, L)),
    erlang:display(lists:filter(fun(X) -> X rem 2 =:= 0 end, L)),
    erlang:display(lists:foldl(fun(X, A) -> [X | A] end, [], L)),
    erlang:display(lists:foldr(fun(X, A) -> [X | A] end, [], L)),
    erlang:display(lists:all(fun is_integer/1, L)),
    erlang:display(lists:any(fun(X) -> X > 9 end, L)),
    erlang:display(lists:partition(fun(X) -> X < 4 end, L)),
    erlang:display(lists:takewhile(fun(X) -> X < 4 end, L)),
    erlang:display(lists:dropwhile(fun(X) -> X < 8 end, L)),
    erlang:display(lists:flatmap(fun(X) -> [X, X] end, [1, 2, 3])),
    erlang:display(lists:filtermap(fun(X) when X > 5 -> {true, X * 10}; (X) -> X =:= 1 end, L)),
    erlang:display(lists:zipwith(fun(A, B) -> A * B end, [1, 2, 3], [4, 5, 6])),
    erlang:display(lists:zipwith3(fun(A, B, C) -> A + B + C end, [1], [2], [3])),
    erlang:display(lists:foreach(fun(X) -> put(last, X) end, L)),
    erlang:display(get(last)),
    erlang:display(lists:splitwith(fun(C) -> C =/= $, end, "key,value")),
    erlang:display(lists:foldl(fun(X, {Min, Max}) -> {min(X, Min), max(X, Max)} end, {1000, -1000}, [5, -3, 17, 2])),
    erlang:display(lists:map(fun({K, V}) -> {V, K} end, [{a, 1}, {b, 2}])),
    erlang:display(lists:keymap(fun(X) -> X * 100 end, 2, [{a, 1}, {b, 2}])),
    erlang:display(lists:sort(fun({_, A}, {_, B}) -> A =< B end, [{x, 3}, {y, 1}, {z, 2}])),
    erlang:display(try lists:map(not_a_fun, [1]) catch error:R -> R end),
    erlang:display(try lists:foldl(fun(_, _) -> ok end, acc, not_a_list) catch error:R2 -> R2 end).
