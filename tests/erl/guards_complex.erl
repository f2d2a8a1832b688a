-module(guards_complex).
-export([main/0]).
%% Guard sequences, andalso/orelse, guard BIFs, exceptions inside guards fail silently.
main() ->
    erlang:display([classify(X) || X <- [0, 5, -3, 10.5, a, "str", [], {1, 2}, <<"b">>, 1 bsl 70]]),
    erlang:display([safe_hd(X) || X <- [[1], [], a, [[x]]]]),
    erlang:display([both(X, Y) || X <- [1, 2, a], Y <- [1, b]]),
    erlang:display([in_range(X) || X <- [-1, 0, 50, 100, 101, 50.5]]),
    erlang:display([sz(X) || X <- [{a, b}, <<1, 2, 3>>, [1, 2], #{k => v}, x]]),
    erlang:display([semi(X) || X <- [1, a, 2.0, "x"]]),
    erlang:display([elem_guard(T) || T <- [{1, 2}, {ok}, {}, x]]),
    erlang:display([boolean_ops(A, B) || A <- [true, false], B <- [true, false]]),
    erlang:display([not_guard(X) || X <- [true, false, 3]]),
    erlang:display([arith_guard(X) || X <- [1, 2, 3, 4, a]]),
    erlang:display([mapguard(M) || M <- [#{a => 1}, #{b => 2}, #{}, nomap]]),
    erlang:display([bin_guard(B) || B <- [<<>>, <<1>>, <<1, 2, 3, 4, 5>>, <<1:4>>]]).

classify(X) when is_integer(X), X > 0 -> pos_int;
classify(X) when is_integer(X), X < 0 -> neg_int;
classify(0) -> zero;
classify(X) when is_float(X) -> float;
classify(X) when is_atom(X) -> atom;
classify(X) when is_list(X), length(X) > 0 -> nonempty_list;
classify([]) -> empty_list;
classify(X) when tuple_size(X) =:= 2 -> pair;
classify(X) when byte_size(X) > 0 -> binary;
classify(_) -> other.

safe_hd(L) when hd(L) =/= x -> {hd, hd(L)};
safe_hd(_) -> no_hd.

both(X, Y) when is_integer(X) andalso is_integer(Y) -> X + Y;
both(X, Y) when is_atom(X) orelse is_atom(Y) -> atom_involved;
both(_, _) -> neither.

in_range(X) when X >= 0, X =< 100, is_integer(X) -> in;
in_range(_) -> out.

sz(X) when tuple_size(X) > 1 -> tuple;
sz(X) when size(X) > 2 -> big_binary;
sz(X) when map_size(X) > 0 -> map;
sz(X) when length(X) > 1 -> list;
sz(_) -> other.

semi(X) when is_integer(X); is_float(X) -> number;
semi(X) when is_atom(X); is_list(X) -> atom_or_list.

elem_guard(T) when element(1, T) =:= 1 -> first_is_one;
elem_guard(T) when element(1, T) =:= ok -> ok_tuple;
elem_guard(_) -> other.

boolean_ops(A, B) when A and B -> and_true;
boolean_ops(A, B) when A or B -> or_true;
boolean_ops(A, B) when A xor B -> xor_true;
boolean_ops(_, _) -> none.

not_guard(X) when not X -> was_false;
not_guard(X) when X -> was_true;
not_guard(_) -> not_bool.

arith_guard(X) when X rem 2 =:= 0 -> even;
arith_guard(X) when X * 3 > 5 -> big_odd;
arith_guard(_) -> other.

mapguard(M) when is_map_key(a, M) -> {has_a, map_get(a, M)};
mapguard(M) when is_map(M), map_size(M) =:= 0 -> empty;
mapguard(_) -> other.

bin_guard(B) when bit_size(B) rem 8 =/= 0 -> bits;
bin_guard(B) when byte_size(B) > 4 -> {long, binary_part(B, 0, 2)};
bin_guard(<<>>) -> empty;
bin_guard(B) -> {short, binary_to_list(B)}.
