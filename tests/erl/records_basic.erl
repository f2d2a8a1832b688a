-module(records_basic).
-export([main/0]).
%% Records: creation, defaults, access, update, matching, is_record, record_info, nested.
-record(person, {name, age = 0, email = none :: atom() | string()}).
-record(point, {x = 0, y = 0}).
-record(line, {from = #point{}, to = #point{x = 1, y = 1}}).
-record(empty, {}).

main() ->
    P = #person{name = "Ann", age = 30},
    erlang:display(P),
    erlang:display(P#person.name),
    erlang:display(P#person.age),
    P2 = P#person{age = 31, email = "ann@example.com"},
    erlang:display(P2),
    erlang:display(#person{}),
    erlang:display(#empty{}),
    erlang:display(record_info(fields, person)),
    erlang:display(record_info(size, person)),
    erlang:display(#person.age),
    erlang:display(is_record(P, person)),
    erlang:display(is_record(P, point)),
    erlang:display(is_record({person, a, b}, person)),
    erlang:display(greet(P2)),
    erlang:display(greet(#person{name = "Kid", age = 5})),
    L = #line{},
    erlang:display(L),
    erlang:display(L#line.to#point.x),
    L2 = L#line{from = #point{x = -5}},
    erlang:display(L2#line.from),
    erlang:display([N || #person{name = N, age = A} <- [P, P2, #person{name = "Old", age = 99}], A > 30]),
    erlang:display(element(1, P)),
    erlang:display(tuple_size(P)),
    erlang:display(setelement(#person.age, P, 77)),
    erlang:display(match_field(P)).

greet(#person{name = N, age = A}) when A >= 18 -> {adult, N};
greet(#person{name = N}) -> {child, N}.

match_field(#person{age = Age} = R) when is_record(R, person) -> Age * 2.
