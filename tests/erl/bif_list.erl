-module(bif_list).
-export([main/0]).
%% List BIFs: length, hd, tl, ++, --, lists BIFs (member, keyfind, keysearch, reverse, keymember).
main() ->
    L = [3, 1, 4, 1, 5, 9, 2, 6],
    erlang:display([length(L), hd(L), tl(L)]),
    erlang:display(L ++ [x]),
    erlang:display(L -- [1, 9, 7]),
    erlang:display([1, 2, 3, 2, 1] -- [2]),
    erlang:display([a | [b | [c | []]]]),
    erlang:display(lists:member(5, L)),
    erlang:display(lists:member(7, L)),
    KL = [{a, 1}, {b, 2}, {c, 3}, {b, 4}],
    erlang:display(lists:keyfind(b, 1, KL)),
    erlang:display(lists:keyfind(4, 2, KL)),
    erlang:display(lists:keyfind(z, 1, KL)),
    erlang:display(lists:keysearch(c, 1, KL)),
    erlang:display(lists:keymember(a, 1, KL)),
    erlang:display(lists:reverse(L, [tail])),
    erlang:display(lists:reverse([])),
    erlang:display(try length([a | b]) catch error:R -> R end),
    erlang:display(try [a | b] ++ [c] catch error:R2 -> R2 end),
    erlang:display([a] ++ b),
    erlang:display(try a -- [] catch error:R3 -> R3 end),
    erlang:display(length(lists:seq(1, 100000) -- lists:seq(1, 100000, 2))),
    erlang:display(lists:keyfind(1.0, 1, [{1, int}, {1.0, float}])),
    erlang:display(lists:member(1.0, [1])),
    erlang:display(erlang:'++'([1], [2])),
    erlang:display(erlang:'--'([1, 2], [2])).
