-module(proplists_module).
-export([main/0]).
%% proplists.
main() ->
    P = [{a, 1}, b, {c, 3}, {a, 2}, {d, true}, e],
    erlang:display(proplists:get_value(a, P)),
    erlang:display(proplists:get_value(z, P)),
    erlang:display(proplists:get_value(z, P, def)),
    erlang:display(proplists:get_value(b, P)),
    erlang:display(proplists:get_all_values(a, P)),
    erlang:display(proplists:get_bool(d, P)),
    erlang:display(proplists:get_bool(e, P)),
    erlang:display(proplists:get_bool(c, P)),
    erlang:display(proplists:is_defined(c, P)),
    erlang:display(proplists:lookup(c, P)),
    erlang:display(proplists:lookup_all(a, P)),
    erlang:display(proplists:delete(a, P)),
    erlang:display(proplists:get_keys(P)),
    erlang:display(proplists:compact(P)),
    erlang:display(proplists:unfold(P)),
    erlang:display(proplists:expand([{foo, [bar, baz]}], [foo, x])),
    erlang:display(proplists:substitute_aliases([{x, y}], [x, {x, 1}])),
    erlang:display(proplists:normalize([a, {b, true}], [{aliases, [{a, aa}]}])),
    erlang:display(proplists:split([{a, 1}, {b, 2}, c], [a, c])),
    erlang:display(proplists:to_map([{a, 1}, b])),
    erlang:display(proplists:from_map(#{k => v})).
