%% Terms through the erl_nif API (c-tests/nifs/nif_terms.c): integers at the limits of the C
%% types and of small integers, bignums, floats (signed zero, denormals, infinities refused),
%% atoms (length limit, Latin-1, existing atoms), Latin-1 strings and the buffer rules of
%% enif_get_string/enif_get_atom, enif_term_type and the enif_is_* tests, enif_compare over
%% all types, enif_hash (INTERNAL and PHASH2 against erlang:phash2/1), unique integers, sub
%% binaries, iolists, the external format (incl. ERL_NIF_BIN2TERM_SAFE), and exceptions.
-module(nif_terms).
-export([main/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_terms"), 0).

get_ints(_) -> erlang:nif_error(not_loaded).
make_ints() -> erlang:nif_error(not_loaded).
get_double(_) -> erlang:nif_error(not_loaded).
make_doubles() -> erlang:nif_error(not_loaded).
bad_double(_, _) -> erlang:nif_error(not_loaded).
atom_of_length(_) -> erlang:nif_error(not_loaded).
latin1_atoms() -> erlang:nif_error(not_loaded).
existing(_) -> erlang:nif_error(not_loaded).
get_atom(_, _) -> erlang:nif_error(not_loaded).
get_string(_, _) -> erlang:nif_error(not_loaded).
make_strings(_) -> erlang:nif_error(not_loaded).
term_type(_) -> erlang:nif_error(not_loaded).
compare_all(_) -> erlang:nif_error(not_loaded).
hash(_, _, _) -> erlang:nif_error(not_loaded).
unique(_) -> erlang:nif_error(not_loaded).
sub_binary(_, _, _) -> erlang:nif_error(not_loaded).
iolist(_) -> erlang:nif_error(not_loaded).
inspect(_) -> erlang:nif_error(not_loaded).
t2b(_) -> erlang:nif_error(not_loaded).
b2t(_, _) -> erlang:nif_error(not_loaded).
raise(_, _) -> erlang:nif_error(not_loaded).

main() ->
    integers(),
    floats(),
    atoms(),
    strings(),
    types(),
    comparison(),
    hashing(),
    uniques(),
    binaries(),
    external(),
    exceptions(),
    ok.

integers() ->
    P = fun(E) -> 1 bsl E end,
    Values = [0, 1, -1, 255, P(31) - 1, P(31), -P(31), -P(31) - 1, P(32) - 1, P(32),
              P(59) - 1, P(59), -P(59), -P(59) - 1, P(63) - 1, P(63), -P(63), -P(63) - 1,
              P(64) - 1, P(64), -P(64), P(100), -P(100), 1.0, a, "1", <<1>>],
    [erlang:display({X, get_ints(X)}) || X <- Values],
    Made = make_ints(),
    erlang:display(Made),
    %% Made integers are normalised: small ones are small, so they equal literals, hash and
    %% encode as such, and arithmetic on them is exact.
    erlang:display([X =:= binary_to_term(term_to_binary(X)) || X <- Made]),
    erlang:display([byte_size(term_to_binary(X)) || X <- Made]),
    erlang:display([{X + 1, X - 1, X * 2, -X} || X <- Made]),
    erlang:display([erlang:phash2(X) || X <- Made]),
    erlang:display(lists:sort(Made)),
    erlang:display(maps:from_list([{X, ok} || X <- Made]) =:= maps:from_list([{X + 0, ok} || X <- Made])).

floats() ->
    Values = [0.0, -0.0, 1.5, -2.25, 1.0e308, 5.0e-324, 2.2250738585072014e-308, 1.0e-10,
              3, 1 bsl 70, a],
    [erlang:display({X, get_double(X)}) || X <- Values],
    Made = make_doubles(),
    erlang:display(Made),
    erlang:display([{is_float(X), term_to_binary(X)} || X <- Made]),
    erlang:display([c(fun() -> bad_double(K, raise) end) || K <- [0, 1, 2]]),
    %% A term returned with an exception pending: the exception wins.
    erlang:display([c(fun() -> bad_double(K, ok) end) || K <- [0, 1, 2]]).

atoms() ->
    erlang:display(atom_length(255)),
    erlang:display(atom_length(256)),
    erlang:display(atom_length(0)),
    erlang:display(latin1_atoms()),
    erlang:display([A =:= list_to_atom(atom_to_list(A)) || A <- latin1_atoms()]),
    %% Atoms known to exist: literals of this module, and the Latin-1 one made above.
    erlang:display(existing(<<"nif_terms">>)),
    erlang:display(existing(<<"main">>)),
    erlang:display(existing(<<"">>)),
    erlang:display(existing(<<229, "ngstr", 246, "m">>)),
    erlang:display(existing(<<"nif_terms_atom_that_nobody_made">>)),
    erlang:display(existing(<<"nul", 0, "inside">>)),
    erlang:display(existing(<<"caf", 195, 169>>)),
    erlang:display('café'),
    %% enif_get_atom with buffers too small, exact, and larger; a non-Latin-1 atom.
    [erlang:display({A, N, get_atom(A, N)})
     || A <- [hello, '', 'åäö', 'with space', '€uro'], N <- [0, 1, 5, 6, 7, 20]],
    erlang:display(get_atom("hello", 10)),
    erlang:display(get_atom(<<"hello">>, 10)).

atom_length(N) ->
    try atom_of_length(N) of
        A -> {ok, length(atom_to_list(A))}
    catch
        C:R -> {C, R}
    end.

strings() ->
    Cases = ["hello", "", "a", [0], [255, 128], [256], [-1], [$a | b], [$a, $b | c],
             [$a, $b, $c, 300], "abcdef" ++ [300], notalist, <<"bin">>, [a], [1.0],
             [$a, [$b]]],
    [erlang:display({S, N, get_string(S, N)}) || S <- Cases, N <- [0, 1, 2, 3, 4, 8]],
    erlang:display(make_strings(<<"h", 233, "llo", 0, "world">>)),
    erlang:display(make_strings(<<>>)).

types() ->
    Port = hd(erlang:ports()),
    Ref = make_ref(),
    Values = [atom, true, [], "abc", [a | b], {}, {1, 2}, #{}, #{a => 1},
              maps:from_list([{K, K} || K <- lists:seq(1, 40)]), 1, -1, 1 bsl 64, 1.5, <<>>,
              <<1, 2>>, <<1:3>>, binary:part(<<"0123456789">>, 2, 3), fun() -> ok end,
              fun lists:map/2, self(), Port, Ref],
    erlang:display([term_type(X) || X <- Values]).

comparison() ->
    Port = hd(erlang:ports()),
    %% One of each type, in the standard order, with numbers and binaries that compare
    %% equal without being identical.
    Terms = [-(1 bsl 70), -1, -1.0, 0, 0.0, 1, 1.0, 1.5, 1 bsl 64, float(1 bsl 64),
             a, b, aa, make_ref(), fun() -> ok end, Port, self(), {}, {a}, {a, b}, {b, a},
             #{}, #{a => 1}, #{a => 2}, #{b => 1}, [], [a], [a, b], [b], "abc",
             <<>>, <<1>>, <<1, 2>>, <<2>>, <<1:3>>],
    Rows = compare_all(Terms),
    erlang:display(Rows),
    %% Against the Erlang ordering of the same terms.
    Expect = [[if
                   A < B -> $<;
                   A > B -> $>;
                   A =:= B -> $=;
                   true -> $~
               end || B <- Terms] || A <- Terms],
    erlang:display(Rows =:= Expect).

hashing() ->
    Terms = [0, 1, -1, 1 bsl 60, 1 bsl 64, -(1 bsl 64), 1.0, -0.0, 0.5, atom, '', 'åäö',
             [], "abc", [a | b], {}, {a, b, {c}}, <<>>, <<"abc">>, <<1:3>>,
             binary:part(<<"0123456789">>, 3, 4), #{}, #{a => 1, b => [2]},
             maps:from_list([{K, integer_to_list(K)} || K <- lists:seq(1, 50)]),
             lists:seq(1, 100), list_to_binary(lists:seq(1, 200)), fun lists:map/2],
    Phash = [hash(2, T, 0) || T <- Terms],
    erlang:display(Phash),
    erlang:display(Phash =:= [erlang:phash2(T) || T <- Terms]),
    %% PHASH2 ignores the salt.
    erlang:display([hash(2, T, 12345) || T <- Terms] =:= Phash),
    %% INTERNAL hashes of terms without atoms (hashed by their index in the atom table,
    %% which differs between VMs), pids, ports or references, with any salt.
    Stable = [T || T <- Terms, not has_atom(T)],
    [erlang:display([hash(1, T, S) || T <- Stable]) || S <- [0, 1, 16#ffffffff, 1 bsl 40]],
    %% Equal terms hash alike, however they were made; the salt matters.
    Same = [{T, binary_to_term(term_to_binary(T))} || T <- Terms],
    erlang:display([hash(1, A, 7) =:= hash(1, B, 7) || {A, B} <- Same]),
    erlang:display([hash(1, T, 0) =:= hash(1, T, 1) || T <- Terms]),
    erlang:display([hash(3, a, 0), hash(0, a, 0)]).

has_atom(T) when is_atom(T) -> true;
has_atom([H | T]) -> has_atom(H) orelse has_atom(T);
has_atom(T) when is_tuple(T) -> has_atom(tuple_to_list(T));
has_atom(T) when is_map(T) -> has_atom(maps:to_list(T));
has_atom(T) -> is_function(T).

uniques() ->
    M1 = erlang:unique_integer([monotonic]),
    N1 = unique(2),
    M2 = erlang:unique_integer([monotonic]),
    N2 = unique(3),
    M3 = erlang:unique_integer([monotonic, positive]),
    erlang:display({M1 < N1, N1 < M2, M2 < N2, N2 < M3, N2 > 0}),
    Plain = [unique(0) || _ <- lists:seq(1, 1000)],
    Pos = [unique(1) || _ <- lists:seq(1, 1000)],
    Mono = [unique(2) || _ <- lists:seq(1, 1000)],
    erlang:display({[length(lists:usort(L)) || L <- [Plain, Pos, Mono]], lists:all(fun is_integer/1, Plain),
                    lists:all(fun(X) -> X > 0 end, Pos), lists:sort(Mono) =:= Mono}).

binaries() ->
    Big = list_to_binary([lists:seq(0, 255) || _ <- lists:seq(1, 4)]),
    Sub = binary:part(Big, 100, 300),
    erlang:display(sub_binary(<<"0123456789">>, 2, 5)),
    erlang:display(sub_binary(<<"0123456789">>, 0, 10)),
    erlang:display(sub_binary(<<"0123456789">>, 10, 0)),
    %% The whole bytes of a bitstring.
    erlang:display(sub_binary(<<1:3>>, 0, 0)),
    erlang:display(sub_binary(<<"abc", 1:3>>, 0, 3)),
    {S1, S2} = sub_binary(Big, 7, 900),
    erlang:display({byte_size(S1), byte_size(S2), S1 =:= binary:part(Big, 7, 900),
                    S2 =:= binary:part(Big, 8, 898)}),
    {S3, S4} = sub_binary(Sub, 10, 100),
    erlang:display({S3 =:= binary:part(Big, 110, 100), S4 =:= binary:part(Big, 111, 98)}),
    <<_:3, Unaligned:20/binary, _/bits>> = Big,
    {S5, _} = sub_binary(Unaligned, 2, 10),
    erlang:display(S5 =:= binary:part(Unaligned, 2, 10)),
    erlang:display([inspect(X) || X <- [<<>>, <<"abc">>, Sub, Unaligned, <<1:3>>, <<1, 2:4>>, "abc"]]),
    IoLists = [[], <<>>, "abc", [<<"a">>, $b, [[$c], <<"de">>], <<>> | <<"tail">>],
               [Sub, Big, Sub], [Unaligned], [<<1:3>>], [256], [-1], [a], [$a | b], 42,
               <<"plain">>, <<1:3>>, [[[[[[[[[[[$x]]]]]]]]]]], [1.0],
               lists:duplicate(1000, <<"xy">>)],
    [erlang:display(case iolist(X) of
                        {N, B} -> {N, N =:= iolist_size(X), B =:= iolist_to_binary(X)};
                        no -> {no, c(fun() -> iolist_size(X) end)}
                    end) || X <- IoLists].

external() ->
    Terms = [a, 1, -1 bsl 70, 1.5, "abc", <<"bin">>, {a, [b, #{c => <<1:3>>}]},
             maps:from_list([{K, K} || K <- lists:seq(1, 40)]), fun lists:map/2,
             lists:seq(1, 300), 'åäö'],
    erlang:display([t2b(T) =:= term_to_binary(T) || T <- Terms]),
    erlang:display([b2t(term_to_binary(T), 0) =:= {byte_size(term_to_binary(T)), T} || T <- Terms]),
    %% Bytes after the term are not used.
    B = term_to_binary({x, y}),
    erlang:display(b2t(<<B/binary, "trailing">>, 0)),
    erlang:display(b2t(<<B/binary, "trailing">>, 16#20000000)),
    erlang:display(b2t(<<131>>, 0)),
    erlang:display(b2t(<<>>, 0)),
    erlang:display(b2t(<<1, 2, 3>>, 0)),
    erlang:display(b2t(binary:part(B, 0, byte_size(B) - 1), 0)),
    %% A compressed term.
    C = term_to_binary(lists:duplicate(100, abc), [compressed]),
    %% A compressed term: enif_binary_to_term does not inflate (OTP 25 refuses it).
    erlang:display(b2t(C, 0)),
    %% ERL_NIF_BIN2TERM_SAFE refuses atoms that do not exist yet; without it they are made.
    New = <<131, 100, 0, 24, "nif_terms_brand_new_atom">>,
    erlang:display(b2t(New, 16#20000000)),
    erlang:display(existing(<<"nif_terms_brand_new_atom">>)),
    erlang:display(b2t(New, 0)),
    erlang:display(b2t(New, 16#20000000)),
    erlang:display(existing(<<"nif_terms_brand_new_atom">>)),
    %% Other option bits.
    erlang:display(b2t(term_to_binary(ok), 1)).

exceptions() ->
    C = fun c/1,
    erlang:display(C(fun() -> raise(my_reason, plain) end)),
    erlang:display(C(fun() -> raise({complex, [1, 2], #{k => <<"v">>}}, plain) end)),
    erlang:display(C(fun() -> raise(second, twice) end)),
    erlang:display(C(fun() -> raise(after_badarg, badarg_then) end)),
    erlang:display(C(fun() -> raise(reason, value) end)),
    erlang:display(C(fun() -> raise(checked, check) end)),
    {error, Pid, _} = C(fun() -> raise(self(), plain) end),
    erlang:display(Pid =:= self()),
    erlang:display(C(fun() -> raise(x, "not an atom") end)).

%% The value, or the exception and the top of its stack trace (deeper frames differ under
%% erl -s).
c(F) ->
    try F() of
        V -> {value, V}
    catch
        Cl:R:St -> {Cl, R, hd(St)}
    end.
