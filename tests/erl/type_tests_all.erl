-module(type_tests_all).
-export([main/0]).
%% Every type test, as guard and as BIF, over values of every type.
main() ->
    Ref = make_ref(),
    Vals = [{int, 42}, {negint, -1}, {big, 1 bsl 100}, {float, 3.14}, {atom, ok},
            {true, true}, {nil, []}, {list, [1, 2]}, {improper, [a | b]},
            {tuple, {a, b}}, {empty_tuple, {}}, {bin, <<1, 2>>}, {bits, <<1:3>>},
            {map, #{a => 1}}, {emptymap, #{}}, {fun1, fun(X) -> X end},
            {extfun, fun lists:map/2}, {pid, self()}, {ref, Ref}],
    lists:foreach(fun({Name, V}) -> erlang:display({Name, guards(V), bifs(V)}) end, Vals),
    erlang:display([is_function(fun(A, B) -> {A, B} end, N) || N <- [0, 1, 2, 3]]),
    erlang:display([is_record({rec, 1}, rec, N) || N <- [1, 2]]).

guards(V) ->
    [g(atom, V), g(integer, V), g(float, V), g(number, V), g(list, V), g(tuple, V),
     g(binary, V), g(bitstring, V), g(boolean, V), g(map, V), g(function, V),
     g(pid, V), g(reference, V), g(port, V), g(nil, V), g(nonempty, V)].

g(atom, V) when is_atom(V) -> 1;
g(integer, V) when is_integer(V) -> 1;
g(float, V) when is_float(V) -> 1;
g(number, V) when is_number(V) -> 1;
g(list, V) when is_list(V) -> 1;
g(tuple, V) when is_tuple(V) -> 1;
g(binary, V) when is_binary(V) -> 1;
g(bitstring, V) when is_bitstring(V) -> 1;
g(boolean, V) when is_boolean(V) -> 1;
g(map, V) when is_map(V) -> 1;
g(function, V) when is_function(V) -> 1;
g(pid, V) when is_pid(V) -> 1;
g(reference, V) when is_reference(V) -> 1;
g(port, V) when is_port(V) -> 1;
g(nil, []) -> 1;
g(nonempty, [_ | _]) -> 1;
g(_, _) -> 0.

bifs(V) ->
    Fs = [is_atom, is_integer, is_float, is_number, is_list, is_tuple, is_binary,
          is_bitstring, is_boolean, is_map, is_function, is_pid, is_reference, is_port],
    [case erlang:F(V) of true -> 1; false -> 0 end || F <- Fs].
