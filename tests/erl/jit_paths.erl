-module(jit_paths).
-export([main/0, id/1]).
%% The native-code tier's fast paths and the ways out of them: small-integer arithmetic at
%% the edges of the small range (results that become bignums), *, div, rem, band, bor, bxor
%% with negative operands, mixed integer/float arithmetic, term-order and equality
%% comparisons between different types, type tests on every kind of term, select on
%% atoms, integers and tuple arities, deep body recursion (the stack outgrows its block),
%% list and tuple building across collections, float instructions with a non-finite
%% result, errors raised from compiled code with their stack traces, guard BIFs that fail,
%% BIFs called as functions (in body and tail position), calls into other modules, and a
%% busy loop that must still let another process run.

main() ->
    D = fun(X) -> erlang:display(X) end,
    Edge = (1 bsl 59) - 1,
    D([add(Edge, 1), add(-Edge - 1, -1), sub(-Edge - 1, 1), add(Edge, -1), sub(0, Edge)]),
    D([mul(1 bsl 30, 1 bsl 30), mul(1 bsl 29, 1 bsl 29), mul(-3, 7), mul(Edge, 2),
       mul(-(1 bsl 59), -1)]),
    D([{divi(A, B), remi(A, B)} || A <- [7, -7, 0, Edge], B <- [2, -2, 1, -1]]),
    D([try divi(1, 0) catch error:E1 -> E1 end, try remi(1, 0) catch error:E2 -> E2 end]),
    D([bits(A, B) || A <- [0, -1, 5, -6, Edge], B <- [3, -4, Edge]]),
    D([add(1, 2.5), sub(2.5, 1), mul(2, 0.5), add(1.0e308, 1.0e308 * 0 + 1),
       try add(id(1.0e308), id(1.0e308)) catch error:E3 -> E3 end]),
    D([add(big(), 1), sub(big(), big()), mul(big(), 0), divi(big(), big())]),
    Terms = [1, -1, 1.0, 2.5, big(), a, zebra, [], [1], {}, {1}, {1, 2}, #{}, #{a => 1},
             <<>>, <<1:3>>, self(), make_ref(), fun id/1, fun() -> ok end, "str"],
    D([[lt(X, Y) || Y <- Terms] || X <- Terms]),
    D([[{eq(X, Y), exact(X, Y)} || Y <- [1, 1.0, a, [1], {1}]] || X <- Terms]),
    D([types(T) || T <- Terms]),
    D([sel(X) || X <- [a, b, c, 1, 2, 3, 42, 1.0, "x"]]),
    D([arity(T) || T <- [{}, {1}, {1, 2}, {1, 2, 3}, {1, 2, 3, 4}]]),
    D(depth(1000000)),
    D(length(build(300000, []))),
    D(lists:sum(tuples(100000, []))),
    D([fdiv(1.0, 3.0), fdiv(1.0, 0.5), try fdiv(1.0, 0.0) catch error:E4 -> E4 end]),
    D(catch_trace(fun() -> add(a, 1) end)),
    D(catch_trace(fun() -> clause(z) end)),
    D(catch_trace(fun() -> nonesuch_module:f(1) end)),
    D([guard_elem(T) || T <- [{x, y}, {x}, x, []]]),
    D([bif_body([3, 1, 2]), bif_tail([3, 1, 2]), catch_trace(fun() -> bif_tail(x) end),
       catch_trace(fun() -> length(id(x)) end)]),
    D(lists:reverse(lists:seq(1, 10), [done])),
    D(ints(<<16#F0E1D2C3B4A59687:64, 16#0123456789ABCDEF:64, 5:3>>)),
    D([tagged(B) || B <- [<<1, 0, 7, 9>>, <<2, 0, 7, 9>>, <<1, 0>>, <<>>, <<1:1>>, <<3, 1:2>>]]),
    D(walk(<<1, 2, 3, 4, 5, 6, 7>>, [])),
    D(maps_paths()),
    Big = binary:copy(<<"abc">>, 100),
    <<_:5/binary, Sub:20/binary, _/binary>> = Big,
    D([bsize(B) || B <- [<<>>, <<1, 2, 3>>, Big, Sub, <<1:3>>, <<7:12>>, atom, 42, [1]]]),
    D(fun_paths()),
    D([setrec(R) || R <- [{r, 1, 2, 3, 4}, {r, a, b, c, d}]]),
    Self = self(),
    Other = spawn(fun() -> Self ! {other, ran} end),
    D(spin(3000000, 0)),
    D(receive {other, ran} -> {ran, is_pid(Other)} after 5000 -> not_scheduled end),
    ok.

id(X) -> X.
big() -> id(1 bsl 80).

add(A, B) -> A + B.
sub(A, B) -> A - B.
mul(A, B) -> A * B.
divi(A, B) -> A div B.
remi(A, B) -> A rem B.
bits(A, B) -> {A band B, A bor B, A bxor B}.
fdiv(A, B) -> A / B.

lt(A, B) -> A < B.
eq(A, B) -> A == B.
exact(A, B) -> A =:= B.

types(T) ->
    [is_integer(T), is_float(T), is_number(T), is_atom(T), is_list(T), is_tuple(T),
     is_map(T), is_binary(T), is_bitstring(T), is_pid(T), is_reference(T),
     is_function(T), is_boolean(T)].

sel(a) -> 1;
sel(b) -> 2;
sel(c) -> 3;
sel(1) -> one;
sel(2) -> two;
sel(3) -> three;
sel(42) -> answer;
sel(_) -> other.

arity({}) -> 0;
arity({_}) -> 1;
arity({_, _}) -> 2;
arity({_, _, _}) -> 3;
arity(_) -> many.

depth(0) -> 0;
depth(N) -> 1 + depth(N - 1).

build(0, Acc) -> Acc;
build(N, Acc) -> build(N - 1, [N | Acc]).

tuples(0, Acc) -> [X + Y || {X, Y} <- Acc];
tuples(N, Acc) -> tuples(N - 1, [{N, N * 2} | Acc]).

clause(a) -> ok.

catch_trace(F) ->
    try F() of
        V -> {value, V}
    catch
        C:R:St -> {C, R, [{M, Fn, A} || {M, Fn, A, _} <- St, M =/= init]}
    end.

guard_elem(T) when element(2, T) =:= y -> two_is_y;
guard_elem(T) when is_tuple(T) -> tuple;
guard_elem(_) -> other.

bif_body(L) -> R = lists:reverse(L), [length(R) | R].
bif_tail(L) -> length(L).

spin(0, Acc) -> Acc;
spin(N, Acc) -> spin(N - 1, Acc + (N band 3)).

%% Integer segments of every size below 60 bits (machine code matches them without the heap),
%% signed and unsigned, big and little endian, at every bit offset below 8.
ints(Bin) ->
    [begin
         <<_:Off, A:N/big, _/bits>> = Bin,
         <<_:Off, B:N/little, _/bits>> = Bin,
         <<_:Off, C:N/signed-big, _/bits>> = Bin,
         <<_:Off, E:N/signed-little, _/bits>> = Bin,
         (A + 3 * B + 5 * C + 7 * E) rem 1000000007
     end || Off <- lists:seq(0, 7), N <- lists:seq(1, 59)].

%% A tag, a string, the rest tested for size.
tagged(<<1, 0, X, _/binary>>) -> {one, X};
tagged(<<2, 0, X:16>>) -> {two, X};
tagged(<<1, Rest/binary>>) -> {short, byte_size(Rest)};
tagged(<<>>) -> empty;
tagged(<<_:1>>) -> one_bit;
tagged(_) -> other.

%% A context kept across a loop (its position read and set back on a failed clause).
walk(<<X, Y, Rest/binary>>, Acc) when X > Y -> walk(Rest, [{X, Y} | Acc]);
walk(<<X, Rest/binary>>, Acc) -> walk(Rest, [X | Acc]);
walk(<<>>, Acc) -> lists:reverse(Acc).

%% Map instructions: get (several keys, missing ones), has-fields guards, assoc and exact
%% updates (an exact update of a missing key raises badkey; of a non-map, badmap).
maps_paths() ->
    M = #{a => 1, b => 2, {k} => [3]},
    Get = fun(#{a := A, {k} := K}) -> {A, K}; (#{b := B}) -> {b, B}; (_) -> none end,
    Has = fun(X) when is_map_key(a, X), is_map_key(b, X) -> both; (_) -> no end,
    [Get(M), Get(#{b => 5}), Get(#{}), Get(x), Has(M), Has(#{a => 1}),
     M#{c => 3}, M#{a := 10, b := 20}, (M#{a := 10})#{new => 1},
     catch_trace(fun() -> (id(M))#{zz := 1} end),
     catch_trace(fun() -> (id(notmap))#{zz := 1} end),
     catch_trace(fun() -> (id(notmap))#{zz => 1} end),
     lists:foldl(fun(I, Acc) -> Acc#{I => I * I} end, #{}, lists:seq(1, 40))].

%% Fun instructions: closures with environments, calls of local, external and BIF funs in
%% body and tail position, wrong arities and non-funs.
fun_paths() ->
    K = id(7),
    Add = fun(X) -> X + K end,
    Two = fun(X, Y) -> {X, Y, K} end,
    Ext = fun lists:reverse/1,
    Bif = fun erlang:abs/1,
    Tail = fun(F, X) -> F(X) end,
    [Add(1), Two(a, b), Ext([1, 2, 3]), Bif(-4), Tail(Add, 2), Tail(Ext, [x, y]),
     Tail(Bif, -9), [F(-3) || F <- [Add, Bif, fun(X) -> X * K end]],
     is_function(Add, 1), is_function(Add, 2), is_function(Ext, 1), is_function(x, 1),
     catch_trace(fun() -> (id(Add))(1, 2) end),
     catch_trace(fun() -> (id(not_a_fun))(1) end),
     catch_trace(fun() -> Tail(id(Bif), x) end),
     lists:map(Add, lists:seq(1, 5)), lists:foldl(fun(X, A) -> X + A end, 0, lists:seq(1, 100))].

%% Record updates (setelement sequences on a fresh tuple).
setrec({r, A, B, C, D}) ->
    R = setelement(2, {r, A, B, C, D}, {A}),
    R2 = setelement(3, setelement(4, R, {C}), {B}),
    {R2, element(5, R2) =:= D}.

bsize(B) -> try byte_size(B) catch error:R -> R end.
