-module(term_order_mixed).
-export([main/0]).
%% Term order across types: number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring.
main() ->
    Ref = make_ref(), Pid = self(), Fun = fun() -> ok end,
    Terms = [<<"bin">>, [a], [], #{}, {}, {a, b}, Pid, Ref, Fun, atom, 1, 1.0, -5, 1 bsl 80, <<1:1>>, "str", {z}, #{a => 1}],
    Sorted = lists:sort(Terms),
    erlang:display([type_of(T) || T <- Sorted]),
    erlang:display([T || T <- Sorted, not is_reference(T), not is_pid(T), not is_function(T)]),
    erlang:display([Ref < Fun, Fun < Pid, Pid < {}, atom < Ref, 1 bsl 80 < atom, {} < #{}, #{} < [], [] < [a], [a] < <<>>]),
    erlang:display(lists:sort([{2, a}, {1, b}, {1, a, x}, {3}, {}])),
    erlang:display(lists:sort([[b], [a, b], [a], [a | b], [a, a]])),
    erlang:display(lists:sort([<<2>>, <<1, 2>>, <<1>>, <<>>, <<1:1>>, <<255>>])),
    erlang:display(lists:sort([b, 'B', aa, a, '', 'Z'])),
    erlang:display(lists:sort([#{b => 1}, #{a => 2}, #{a => 1}, #{a => 1, b => 0}, #{1 => x}, #{1.0 => x}])),
    erlang:display(lists:sort(fun(X, Y) -> X >= Y end, [3, 1, 2])),
    erlang:display([compare(X, Y) || {X, Y} <- [{1, 1.0}, {a, "a"}, {{1, 2}, [1, 2]}, {[], <<>>}, {#{}, {}}]]),
    erlang:display(lists:usort([1, 1.0, a, "a", a, 1])),
    erlang:display(lists:max([atom, "string", 42, {tuple}])),
    erlang:display(lists:min([atom, "string", 42, {tuple}])).

compare(X, Y) when X < Y -> lt;
compare(X, Y) when X > Y -> gt;
compare(_, _) -> eq.

type_of(T) when is_number(T) -> number;
type_of(T) when is_atom(T) -> atom;
type_of(T) when is_reference(T) -> reference;
type_of(T) when is_function(T) -> 'fun';
type_of(T) when is_pid(T) -> pid;
type_of(T) when is_tuple(T) -> tuple;
type_of(T) when is_map(T) -> map;
type_of([]) -> nil;
type_of(T) when is_list(T) -> list;
type_of(T) when is_bitstring(T) -> bitstring.
