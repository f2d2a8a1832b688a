%% The nif_basic test NIF (c-tests/nifs/nif_basic.c), loaded from this module's on_load:
%% numbers, atoms, strings, tuples, lists, binaries, maps and iterators, exceptions,
%% messages (from the NIF and from a thread), time, hashing, external format, %T printing.
-module(nif_basic).
-export([main/0, add/2]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_basic"), 7).

priv() -> erlang:nif_error(not_loaded).
add(_, _) -> erlang:nif_error(not_loaded).
numbers(_) -> erlang:nif_error(not_loaded).
atoms(_) -> erlang:nif_error(not_loaded).
strings(_) -> erlang:nif_error(not_loaded).
lists(_) -> erlang:nif_error(not_loaded).
tuples(_) -> erlang:nif_error(not_loaded).
binaries(_, _) -> erlang:nif_error(not_loaded).
big_binary(_) -> erlang:nif_error(not_loaded).
maps(_) -> erlang:nif_error(not_loaded).
raise_it(_) -> erlang:nif_error(not_loaded).
send_self(_) -> erlang:nif_error(not_loaded).
thread_send(_) -> erlang:nif_error(not_loaded).
misc(_) -> erlang:nif_error(not_loaded).
compare(_, _) -> erlang:nif_error(not_loaded).
refs(_) -> erlang:nif_error(not_loaded).
dirty_add(_, _) -> erlang:nif_error(not_loaded).

main() ->
    erlang:display(priv()),
    erlang:display(add(1, 2)),
    erlang:display(?MODULE:add(1 bsl 40, 5)),
    erlang:display(dirty_add(-10, 3)),
    erlang:display(lists:map(fun(X) -> add(X, X) end, [1, 2, 3])),
    erlang:display(c(fun() -> add(a, 1) end)),
    erlang:display(c(fun() -> add(1 bsl 64, 1) end)),
    [erlang:display(numbers(X)) || X <- [0, -1, 42, 1 bsl 31, 1 bsl 32, 1 bsl 63, 1 bsl 64,
                                          -(1 bsl 63), 1.5, foo, <<1>>, [], {}, #{}, self()]],
    erlang:display(atoms(hello)),
    erlang:display(atoms('with space')),
    erlang:display(atoms(<<"x">>)),
    erlang:display(strings("hello")),
    erlang:display(strings("ab")),
    erlang:display(strings([300])),
    erlang:display(strings(notalist)),
    erlang:display(lists([1, 2, 3])),
    erlang:display(lists([])),
    erlang:display(lists([a | b])),
    erlang:display(tuples({a, b, c})),
    erlang:display(tuples({})),
    erlang:display(c(fun() -> tuples(not_a_tuple) end)),
    erlang:display(binaries(<<"hello">>, [<<"io">>, $l, [<<"ist">>]])),
    erlang:display(binaries(<<>>, [])),
    Sub = binary:part(<<"0123456789">>, 2, 5),
    erlang:display(binaries(Sub, <<"bin">>)),
    erlang:display(c(fun() -> binaries(<<1:3>>, []) end)),
    erlang:display(c(fun() -> binaries(<<"x">>, [bad]) end)),
    Big = big_binary(1000),
    erlang:display({byte_size(Big), binary:first(Big), binary:last(Big)}),
    erlang:display(byte_size(big_binary(10))),
    erlang:display(maps(#{x => 1, y => 2, z => 3})),
    erlang:display(maps(#{})),
    erlang:display(c(fun() -> raise_it(0) end)),
    erlang:display(c(fun() -> raise_it(1) end)),
    erlang:display(try raise_it(0) catch error:R:St -> {R, hd(St)} end),
    erlang:display(try raise_it(2) catch error:R2:St2 -> {R2, hd(St2)} end),
    erlang:display(send_self(payload)),
    erlang:display(receive M1 -> M1 after 1000 -> timeout end),
    erlang:display(receive M2 -> M2 after 1000 -> timeout end),
    erlang:display(thread_send(self())),
    erlang:display([receive M -> M after 1000 -> timeout end || _ <- lists:seq(1, 5)]),
    [T1, C1, C2, H, Used, Back, Etf, Str, Ver, Same, Where, Ty] = misc({a, [1, 2.5], <<"b">>}),
    erlang:display({T1, C1, C2, H =:= erlang:phash2({a, [1, 2.5], <<"b">>}), Used, Back,
                    Etf =:= term_to_binary({a, [1, 2.5], <<"b">>}), Str, Ver, Same, Where, Ty}),
    erlang:display([compare(A, B) || {A, B} <- [{1, 2}, {2, 1}, {1, 1.0}, {a, 1}, {[], {}},
                                                  {<<"a">>, "a"}]]),
    erlang:display(refs(fun() -> ok end)),
    erlang:display(refs(self())),
    erlang:display(refs(atom)),
    ok.

%% The exception and the top of its stack trace (deeper frames differ under erl -s).
c(F) ->
    try F() catch C:R:St -> {C, R, hd(St)} end.
