-module(maps_match_guard).
-export([main/0]).
%% Map patterns in heads/case, is_map_key/map_get/map_size in guards, nested map patterns.
main() ->
    Ms = [#{name => "a", age => 10}, #{name => "b"}, #{age => 99}, #{}, notmap,
          #{name => "c", age => 30, extra => #{deep => true}}],
    erlang:display([classify(M) || M <- Ms]),
    erlang:display([deep(M) || M <- Ms]),
    erlang:display([g(M) || M <- Ms]),
    K = age,
    erlang:display([V || #{K := V} <- Ms]),
    erlang:display(case #{1 => one, 2 => two} of #{1 := X, 2 := Y} -> {X, Y} end),
    erlang:display(update_all(#{a => 1, b => 2}, [a, b])),
    erlang:display(count_keys(lists:seq(1, 20), #{})).

classify(#{name := N, age := A}) when A >= 18 -> {adult, N};
classify(#{name := N, age := _}) -> {minor, N};
classify(#{name := N}) -> {unknown_age, N};
classify(#{}) -> anonymous;
classify(_) -> not_a_map.

deep(#{extra := #{deep := D}}) -> {deep, D};
deep(_) -> shallow.

g(M) when is_map(M), map_size(M) > 1 -> big;
g(M) when is_map_key(age, M), map_get(age, M) > 50 -> old;
g(M) when is_map(M) -> small;
g(_) -> other.

update_all(M, []) -> M;
update_all(M, [K | Ks]) -> #{K := V} = M, update_all(M#{K := V * 100}, Ks).

count_keys([], Acc) -> Acc;
count_keys([I | T], Acc) ->
    Key = I rem 3,
    case Acc of
        #{Key := N} -> count_keys(T, Acc#{Key := N + 1});
        _ -> count_keys(T, Acc#{Key => 1})
    end.
