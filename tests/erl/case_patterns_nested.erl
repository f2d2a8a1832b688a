-module(case_patterns_nested).
-export([main/0]).
%% Deep patterns: nested tuples/lists/binaries/maps, repeated variables, aliases, literals.
main() ->
    X = {1, 2},
    Vals = [{a, [1, 2], {b, <<"x">>}}, {a, [1, 1], {b, <<"y">>}}, {pair, X, X}, {pair, {1, 2}, {2, 1}},
            [{k, v}, {k, v}], #{n => {1, [2, #{m => 3}]}}, "abc", [$a | "bc"], {1.0}, {1}],
    erlang:display([m(V) || V <- Vals]).

m({a, [Same, Same], {b, B}}) -> {same_pair, Same, B};
m({a, [H | _] = L, {b, <<C>>}}) -> {list_head, H, length(L), C};
m({pair, P, P}) -> {identical, P};
m({pair, {A, B}, {B, A}}) -> swapped;
m([E, E]) -> {dup, E};
m(#{n := {1, [_, #{m := M}]}}) -> {deep_map, M};
m("abc" = S) -> {string, S};
m({1.0}) -> float_one;
m({1}) -> int_one;
m(_) -> other.
