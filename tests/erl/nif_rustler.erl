%% A NIF library written with Rustler 0.39 (c-tests/rustler_nif, built by the harness with
%% cargo into BEAM_TEST_NIF_DIR/nif_rustler.so): term encoding and decoding of every kind,
%% errors and badarg, panics, a ResourceArc resource, messages from the NIF's process and from
%% a thread through an OwnedEnv, dirty CPU/IO functions, and the derived codecs (NifStruct,
%% NifMap, NifTuple, NifRecord, NifUnitEnum, NifTaggedEnum, NifUntaggedEnum).
-module(nif_rustler).
-export([main/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_rustler"), loaded).

-define(STUB, erlang:nif_error(not_loaded)).
add_i64(_, _) -> ?STUB.
add_u64(_, _) -> ?STUB.
narrow(_) -> ?STUB.
i32_only(_) -> ?STUB.
float_ops(_, _) -> ?STUB.
big_i128(_) -> ?STUB.
reverse_binary(_) -> ?STUB.
new_binary(_, _) -> ?STUB.
sub_binary(_, _, _) -> ?STUB.
upcase(_) -> ?STUB.
str_len(_) -> ?STUB.
grow_binary(_, _) -> ?STUB.
to_charlist(_) -> ?STUB.
atom_info(_) -> ?STUB.
make_atoms() -> ?STUB.
existing_atom(_) -> ?STUB.
swap(_) -> ?STUB.
tuple_elems(_) -> ?STUB.
sum_list(_) -> ?STUB.
list_kinds(_) -> ?STUB.
list_ops(_) -> ?STUB.
map_double(_) -> ?STUB.
map_ops(_) -> ?STUB.
map_from_pairs(_, _) -> ?STUB.
map_remove(_, _) -> ?STUB.
compare(_, _) -> ?STUB.
term_hashes(_, _) -> ?STUB.
to_from_etf(_) -> ?STUB.
fail(_) -> ?STUB.
panics(_) -> ?STUB.
counter_new(_) -> ?STUB.
counter_add(_, _) -> ?STUB.
token_new(_) -> ?STUB.
tokens_dropped() -> ?STUB.
counter_binary(_) -> ?STUB.
send_self(_) -> ?STUB.
send_from_thread(_, _, _) -> ?STUB.
whereis_send(_, _) -> ?STUB.
is_alive(_) -> ?STUB.
new_ref() -> ?STUB.
dirty_sum(_) -> ?STUB.
dirty_io_echo(_) -> ?STUB.
timeslice(_) -> ?STUB.
point_flip(_) -> ?STUB.
config_grow(_) -> ?STUB.
pair_swap(_) -> ?STUB.
rec_bump(_) -> ?STUB.
next_color(_) -> ?STUB.
area(_) -> ?STUB.
describe(_) -> ?STUB.

main() ->
    numbers(),
    binaries(),
    containers(),
    errors(),
    resources(),
    messages(),
    dirty(),
    derived().

show(Tag, F) ->
    erlang:display({Tag, try F() catch C:R -> {C, R} end}).

numbers() ->
    show(add, fun() -> add_i64(40, 2) end),
    show(add_neg, fun() -> add_i64(-5, -1 bsl 40) end),
    show(add_overflow, fun() -> add_i64(1 bsl 62, 1 bsl 62) end),
    show(add_big_arg, fun() -> add_i64(1 bsl 64, 1) end),
    show(add_float_arg, fun() -> add_i64(1.0, 1) end),
    show(add_u64, fun() -> add_u64(1 bsl 63, 1 bsl 62) end),
    show(add_u64_wrap, fun() -> add_u64(16#FFFFFFFFFFFFFFFF, 2) end),
    show(add_u64_neg, fun() -> add_u64(-1, 1) end),
    show(narrow, fun() -> [narrow(X) || X <- [0, -1, 127, 200, 70000, -(1 bsl 40)]] end),
    show(i32_arg, fun() -> i32_only(1 bsl 31) end),
    show(i32, fun() -> i32_only(-(1 bsl 30)) end),
    show(floats, fun() -> float_ops(2.0, 8.0) end),
    show(float_int_arg, fun() -> float_ops(2, 8.0) end),
    show(float_nan, fun() -> float_ops(-1.0, 0.0) end),
    show(i128, fun() -> big_i128(-3) end),
    show(i128_pos, fun() -> big_i128(1 bsl 50) end).

binaries() ->
    show(reverse, fun() -> reverse_binary(<<"hello">>) end),
    show(reverse_big, fun() -> erlang:crc32(reverse_binary(binary:copy(<<"abc">>, 1000))) end),
    show(reverse_sub, fun() -> <<_:8, S:5/binary, _/binary>> = <<"xworldx">>,
                               reverse_binary(S) end),
    show(reverse_bits, fun() -> reverse_binary(<<1:3>>) end),
    show(reverse_list, fun() -> reverse_binary("list") end),
    show(new_binary, fun() -> {new_binary(3, $z), byte_size(new_binary(100, 0)),
                               new_binary(0, 1)} end),
    show(sub_binary, fun() -> sub_binary(<<"0123456789">>, 2, 5) end),
    show(sub_binary_bad, fun() -> sub_binary(<<"0123">>, 2, 5) end),
    show(upcase, fun() -> upcase(<<"straße é"/utf8>>) end),
    show(upcase_bad_utf8, fun() -> upcase(<<255>>) end),
    show(upcase_list, fun() -> upcase("abc") end),
    show(str_len, fun() -> str_len(<<"héllo"/utf8>>) end),
    show(grow, fun() -> grow_binary(<<"ab">>, 3) end),
    show(grow_big, fun() -> byte_size(grow_binary(binary:copy(<<"x">>, 200), 100)) end),
    show(charlist, fun() -> to_charlist(<<"aé€"/utf8>>) end).

containers() ->
    show(atom_info, fun() -> atom_info('hello world') end),
    show(atom_info_bad, fun() -> atom_info("not an atom") end),
    show(make_atoms, fun() -> make_atoms() end),
    show(existing, fun() -> {existing_atom(<<"ok">>), existing_atom(<<"surely_not_an_atom_yet_42">>)} end),
    show(swap, fun() -> swap({1, <<"two">>, 3.0}) end),
    show(swap_bad, fun() -> swap({1, <<"two">>}) end),
    show(tuple_elems, fun() -> tuple_elems({a, "b", <<"c">>, 4}) end),
    show(tuple_elems_empty, fun() -> tuple_elems({}) end),
    show(sum, fun() -> sum_list([1, 2, 3, 1 bsl 40]) end),
    show(sum_improper, fun() -> sum_list([1 | 2]) end),
    show(sum_bad_elem, fun() -> sum_list([1, x]) end),
    show(kinds, fun() -> list_kinds([a, <<>>, fun erlang:abs/1, [1], #{}, 1, 1.5, self(),
                                     make_ref(), {}, 1 bsl 100, [], <<1:1>>]) end),
    show(list_ops, fun() -> list_ops([1, 2, 3]) end),
    show(list_ops_bad, fun() -> list_ops([1 | 2]) end),
    show(map_double, fun() -> map_double(#{<<"a">> => 1, <<"b">> => -4}) end),
    show(map_double_bad, fun() -> map_double(#{a => 1}) end),
    show(map_ops, fun() -> map_ops(#{hello => 1, 2 => two, "k" => [v]}) end),
    show(map_ops_missing, fun() -> map_ops(#{x => y}) end),
    Big = maps:from_list([{I, I * I} || I <- lists:seq(1, 100)]),
    show(map_ops_big, fun() -> {S, _, P, K} = map_ops(Big), {S, map_size(P), length(K)} end),
    show(map_from_pairs, fun() -> map_from_pairs([a, b, 1], [1, "x", {}]) end),
    show(map_from_pairs_dup, fun() -> map_from_pairs([a, a], [1, 2]) end),
    show(map_remove, fun() -> {map_remove(#{a => 1, b => 2}, a), map_remove(#{a => 1}, z)} end),
    show(compare, fun() -> [compare(A, B) || {A, B} <- [{1, 1.0}, {1, 1}, {a, 1}, {[], {}},
                                                        {<<"a">>, "a"}, {#{a => 1}, #{a => 1}}]]
                  end),
    show(hashes, fun() -> [term_hashes(A, B) || {A, B} <- [{{a, [1]}, {a, [1]}}, {<<"x">>, <<"y">>},
                                                          {123456789012345678901234567890, 0}]]
                 end),
    show(etf, fun() -> to_from_etf({tuple, [list, 1.5], #{m => <<"bin">>}, -(1 bsl 70)}) end).

errors() ->
    [show({fail, K}, fun() -> fail(K) end)
     || K <- [ok, error, too_big, custom_raise, hello, other, "not an atom"]],
    show(panic, fun() -> panics(1) end),
    show(no_panic, fun() -> panics(-7) end),
    show(after_panic, fun() -> add_i64(1, 2) end).

resources() ->
    C = counter_new(10),
    erlang:display({resource_is_ref, is_reference(C)}),
    show(counter, fun() -> [counter_add(C, N) || N <- [1, 2, 3, -100]] end),
    show(counter_bad, fun() -> counter_add(make_ref(), 1) end),
    show(counter_binary, fun() -> counter_binary(C) end),
    Self = self(),
    P = spawn(fun() -> Self ! {counted, counter_add(C, 1000)} end),
    receive {counted, V} -> erlang:display({counted_elsewhere, V}) end,
    erlang:display({same_counter, counter_add(C, 0), is_pid(P)}),
    B = counter_binary(counter_new(7)),
    erlang:garbage_collect(),
    erlang:display({resource_binary_outlives_term, B}),
    Kept = [token_new(N) || N <- lists:seq(1, 3)],
    drop_tokens(5),
    erlang:garbage_collect(),
    %% The real VM may run destructors a little after the collection.
    erlang:display({dropped, wait_dropped(5, 200), length(Kept)}),
    spawn(fun() -> drop_tokens(4) end),
    erlang:display({dropped_with_process, wait_dropped(9, 200)}).

drop_tokens(0) -> ok;
drop_tokens(N) -> true = is_reference(token_new(N)), drop_tokens(N - 1).

wait_dropped(Want, Tries) ->
    case tokens_dropped() of
        N when N >= Want; Tries =:= 0 -> N;
        _ -> receive after 10 -> wait_dropped(Want, Tries - 1) end
    end.

messages() ->
    show(send_self, fun() -> send_self({some, [term]}) end),
    receive M -> erlang:display({got, M}) after 1000 -> erlang:display(no_message) end,
    ok = send_from_thread(self(), 3, {payload, <<"p">>, 1.5}),
    thread_messages(),
    register(nif_rustler_target, self()),
    show(whereis_send, fun() -> {whereis_send(nif_rustler_target, 77),
                                 whereis_send(nobody_registered_here, 1)} end),
    receive N when is_integer(N) -> erlang:display({whereis_got, N}) after 1000 -> ok end,
    Dead = spawn(fun() -> ok end),
    Ref = monitor(process, Dead),
    receive {'DOWN', Ref, _, _, _} -> ok end,
    show(alive, fun() -> {is_alive(self()), is_alive(Dead)} end),
    show(new_ref, fun() -> R = new_ref(), {is_reference(R), R =:= R} end).

thread_messages() ->
    receive
        done -> erlang:display(thread_done);
        {tick, I, T} -> erlang:display({tick, I, T}), thread_messages()
    after 5000 -> erlang:display(thread_timeout)
    end.

dirty() ->
    show(dirty_sum, fun() -> dirty_sum(100000) end),
    show(dirty_sum_bad, fun() -> dirty_sum(-1) end),
    show(dirty_io, fun() -> dirty_io_echo({x, [1, 2], <<"b">>}) end),
    show(timeslice, fun() -> is_boolean(timeslice(10)) end).

derived() ->
    show(point, fun() -> point_flip(#{'__struct__' => 'Elixir.Point', x => 1, y => 2}) end),
    show(point_bad, fun() -> point_flip(#{x => 1, y => 2}) end),
    show(config, fun() -> config_grow(#{name => <<"cfg">>, size => 9, verbose => false}) end),
    show(config_missing, fun() -> config_grow(#{name => <<"cfg">>}) end),
    show(pair, fun() -> pair_swap({5, <<"abc">>}) end),
    show(pair_bad, fun() -> pair_swap({5, <<"abc">>, extra}) end),
    show(rec, fun() -> rec_bump({rec, 1, <<"label">>}) end),
    show(rec_bad_tag, fun() -> rec_bump({other, 1, <<"label">>}) end),
    show(colors, fun() -> [next_color(C) || C <- [red, green, dark_blue]] end),
    show(color_bad, fun() -> next_color(blue) end),
    show(area, fun() -> [area(S) || S <- [{circle, 2.0}, {rect, #{w => 3, h => 4}}, empty]] end),
    show(area_bad, fun() -> area({triangle, 1}) end),
    show(describe, fun() -> [describe(V) || V <- [7, <<"seven">>]] end),
    show(describe_bad, fun() -> describe(7.0) end).
