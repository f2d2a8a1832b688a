-module(compare_exact).
-export([main/0, id/1]).
%% ==, /=, =:=, =/= over nested terms with numbers of different types.
id(X) -> X.
main() ->
    Pairs = [{1, 1}, {1, 1.0}, {{1, [2.0]}, {1.0, [2]}}, {#{a => 1}, #{a => 1.0}}, {<<1>>, <<1>>},
             {"abc", [97, 98, 99]}, {1 bsl 70, 1 bsl 70}, {1 bsl 70, float(1 bsl 70)}, {[], ""},
             {0, -0}, {0.0, -0.0}, {a, 'a'}, {{}, {}}, {[1 | 2], [1 | 2.0]}],
    erlang:display([{?MODULE:id(X) == Y, X =:= ?MODULE:id(Y), X /= ?MODULE:id(Y), ?MODULE:id(X) =/= Y} || {X, Y} <- Pairs]),
    erlang:display(lists:member(1.0, [1, 2])),
    erlang:display(lists:keymember(1.0, 1, [{1}])),
    erlang:display(case ?MODULE:id(1.0) of 1 -> int; 1.0 -> float end),
    erlang:display(case ?MODULE:id({1}) of {1.0} -> float; {1} -> int end).
