%% A small module whose compiled `.beam` the loader target of fuzz_diff.erl mutates: a few
%% functions of one argument that use most kinds of instructions (bit syntax, maps, floats,
%% funs, exceptions, receive, big integers, literals, select tables), so that mutated operands
%% reach every part of the loader.
-module(fuzz_loadee).
-export([bits/1, maps/1, floats/1, funs/1, catches/1, selects/1, lists/1, big/1, recv/1,
         tuples/1]).

-record(r, {a = 1, b = [], c}).

bits(<<A:8, B:4/bits, Rest/binary>>) -> {A, B, byte_size(Rest), <<Rest/binary, A:16/little>>};
bits(<<X/utf8, _/bits>>) -> {utf8, X};
bits(B) when is_bitstring(B) -> {bits, bit_size(B)};
bits(N) when is_integer(N), N >= 0 -> <<N:24, (N band 255):8/signed, "abc">>;
bits(_) -> none.

maps(#{a := A, b := B} = M) -> M#{c => A, d => B};
maps(#{} = M) -> {map_size(M), maps:is_key(x, M), M#{x => [1, 2]}};
maps(K) -> #{K => 1, {K} => 2.5}.

floats(X) when is_float(X) -> {X * 2.5 - 1.0, -X, X / 3.0};
floats(N) when is_integer(N) -> floats(float(N));
floats(_) -> 0.0.

funs(N) when is_integer(N) ->
    F = fun(X) -> X + N end,
    G = fun lists:reverse/1,
    {F(1), G([1, 2, N]), lists:map(fun(Y) -> Y * N end, [1, 2, 3])};
funs(L) when is_list(L) -> [E || E <- L, is_atom(E)];
funs(T) -> T.

catches(X) ->
    try element(1, X) of
        V -> {ok, V}
    catch
        error:badarg -> badarg;
        C:R -> {C, R}
    after
        put(fuzz_loadee, X)
    end.

selects(0) -> zero;
selects(1) -> one;
selects(7) -> seven;
selects(a) -> atom_a;
selects(b) -> atom_b;
selects([]) -> nil;
selects({_, _}) -> pair;
selects({_, _, _}) -> triple;
selects(X) when is_atom(X) -> other_atom;
selects(X) -> {other, X}.

lists([H | T]) -> {H, length(T), lists:reverse(T), [H, H | T] ++ "xyz"};
lists([]) -> "empty";
lists(X) -> atom_to_list(selects(X)).

big(N) when is_integer(N) -> {N * 16#FFFFFFFFFFFFFFFFFFFF, N bsl 70, -N div 3, N rem 7};
big(_) -> 123456789012345678901234567890.

recv(T) when is_integer(T), T >= 0, T < 10 ->
    self() ! {msg, T},
    receive
        {msg, X} -> X
    after T -> timeout
    end;
recv(_) ->
    receive
        never -> never
    after 0 -> #r{c = x}
    end.

tuples(T) when is_tuple(T), tuple_size(T) > 0 -> setelement(1, T, #r{});
tuples(#r{a = A} = R) -> R#r{b = A};
tuples(X) -> {X, {X}, [{X, X}]}.
