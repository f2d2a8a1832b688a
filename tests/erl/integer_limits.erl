-module(integer_limits).
-export([main/0, id/1]).
%% Values around the small-integer (60-bit) and machine-word boundaries.
id(X) -> X.
main() ->
    Edges = [(1 bsl 59) - 1, 1 bsl 59, (1 bsl 60) - 1, 1 bsl 60, (1 bsl 63) - 1, 1 bsl 63,
             (1 bsl 64) - 1, 1 bsl 64, -(1 bsl 59), -(1 bsl 59) - 1, -(1 bsl 63), -(1 bsl 64)],
    [erlang:display({E, ?MODULE:id(E) + 1, ?MODULE:id(E) - 1, ?MODULE:id(E) * 2, -?MODULE:id(E),
                     ?MODULE:id(E) div 2, is_integer(E)}) || E <- Edges],
    erlang:display([integer_to_list(E, 16) || E <- Edges]),
    erlang:display(lists:sort(Edges)),
    erlang:display([erlang:phash2(E) || E <- Edges]),
    erlang:display([term_to_binary(E) || E <- [(1 bsl 27) - 1, 1 bsl 27, -(1 bsl 31), (1 bsl 31), 1 bsl 64]]).
