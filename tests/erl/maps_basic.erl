-module(maps_basic).
-export([main/0, id/1]).
%% Map construction, put (=>), update (:=), matching, map BIFs, small (flatmap) maps.
id(X) -> X.
main() ->
    M0 = #{},
    M1 = M0#{a => 1, b => 2},
    M2 = M1#{a := 10, c => 3},
    erlang:display([M0, M1, M2]),
    #{a := A, c := C} = M2,
    erlang:display({A, C}),
    erlang:display(map_size(M2)),
    erlang:display(maps:get(b, M2)),
    erlang:display(maps:get(z, M2, default)),
    erlang:display(maps:find(a, M2)),
    erlang:display(maps:find(z, M2)),
    erlang:display(is_map_key(c, M2)),
    erlang:display(map_get(c, M2)),
    erlang:display(maps:keys(M2)),
    erlang:display(maps:values(M2)),
    erlang:display(maps:to_list(M2)),
    erlang:display(maps:from_list([{x, 1}, {y, 2}, {x, 3}])),
    erlang:display(maps:remove(a, M2)),
    erlang:display(maps:remove(nope, M2)),
    erlang:display(maps:put(d, 4, M2)),
    erlang:display(maps:update(a, 0, M2)),
    erlang:display(maps:merge(#{a => 1, b => 2}, #{b => 3, c => 4})),
    erlang:display(#{1 => one, 1.0 => float_one, "1" => string, <<"1">> => bin, '1' => atom}),
    erlang:display(maps:get(1.0, #{1 => int, 1.0 => float})),
    K = ?MODULE:id(key),
    erlang:display(#{K => val, {K} => tup}),
    erlang:display((?MODULE:id(#{a => 1}))#{a => 2, a => 3}),
    erlang:display(#{a => 1} =:= #{a => 1.0}),
    erlang:display(#{a => 1} == #{a => 1.0}),
    erlang:display(match_head(#{type => circle, r => 2})),
    erlang:display(match_head(#{type => square, side => 3})),
    erlang:display(match_head(#{other => x})),
    erlang:display(maps:size(maps:from_list([{I, I} || I <- lists:seq(1, 32)]))).

match_head(#{type := circle, r := R}) -> {circle_area_x100, 314 * R * R};
match_head(#{type := square, side := S}) -> {square_area, S * S};
match_head(#{}) -> unknown.
