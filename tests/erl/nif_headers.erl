%% The nif_headers test NIF (c-tests/nifs/nif_headers.c), which tests/nif_our_headers.rs
%% builds against OTP's erl_nif.h and against ours: the entry ERL_NIF_INIT made, the layout and
%% constants the library was compiled with, terms of every kind made and taken apart, binaries,
%% maps and iterators, resources, pids and messages, exceptions, %T output through
%% enif_fprintf (into a temporary file) and enif_snprintf, dirty functions, and a new version of this module whose library
%% is upgraded (load_info 1 at load, 2 at upgrade).
-module(nif_headers).
-export([main/0, info/0, box_new/1, box_get/1]).
-on_load(init/0).

init() ->
    N = persistent_term:get({?MODULE, loads}, 0) + 1,
    persistent_term:put({?MODULE, loads}, N),
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_headers"), N).

entry() -> erlang:nif_error(not_loaded).
layout() -> erlang:nif_error(not_loaded).
constants() -> erlang:nif_error(not_loaded).
numbers(_) -> erlang:nif_error(not_loaded).
text(_, _) -> erlang:nif_error(not_loaded).
seqs(_, _) -> erlang:nif_error(not_loaded).
binaries(_, _) -> erlang:nif_error(not_loaded).
maps(_) -> erlang:nif_error(not_loaded).
box_new(_) -> erlang:nif_error(not_loaded).
box_get(_) -> erlang:nif_error(not_loaded).
box_dtor_count() -> erlang:nif_error(not_loaded).
pids(_, _, _) -> erlang:nif_error(not_loaded).
fail(_) -> erlang:nif_error(not_loaded).
misc(_, _) -> erlang:nif_error(not_loaded).
info() -> erlang:nif_error(not_loaded).
print(_, _) -> erlang:nif_error(not_loaded).
sum_cpu(_) -> erlang:nif_error(not_loaded).
sum_io(_) -> erlang:nif_error(not_loaded).

main() ->
    [erlang:display(E) || E <- entry()],
    {Sizes, Offsets} = layout(),
    erlang:display(Sizes),
    erlang:display(Offsets),
    erlang:display(constants()),
    [erlang:display(numbers(X))
     || X <- [0, -1, 7, 1 bsl 31, 1 bsl 32, -(1 bsl 31) - 1, 1 bsl 63, (1 bsl 64) - 1,
              1 bsl 64, -(1 bsl 63), 2.5, foo, "x"]],
    erlang:display(text(hello, "world")),
    erlang:display(text('', [])),
    erlang:display(text("not an atom", not_a_list)),
    erlang:display(seqs({a, b, c}, [1, 2, 3])),
    erlang:display(seqs({}, [])),
    erlang:display(seqs(x, [a | b])),
    erlang:display(binaries(<<"hello">>, [<<"io">>, $l, [<<"ist">>]])),
    erlang:display(binaries(<<>>, <<>>)),
    Big = binary:copy(<<"0123456789">>, 100),
    {{Grown, _, Sub, _, _, _, _}, _} = binaries(Big, Big),
    erlang:display({byte_size(Grown), binary:last(Grown), byte_size(Sub), binary:first(Sub)}),
    erlang:display(caught(fun() -> binaries(not_a_binary, []) end)),
    erlang:display(caught(fun() -> binaries(<<1:7>>, []) end)),
    erlang:display(maps(#{a => 1, b => 2, c => 3})),
    erlang:display(maps(#{})),
    erlang:display(caught(fun() -> maps(not_a_map) end)),
    B = box_new(42),
    erlang:display(box_get(B)),
    erlang:display(caught(fun() -> box_new(not_a_number) end)),
    erlang:display(caught(fun() -> box_get(make_ref()) end)),
    register(nif_headers_main, self()),
    [1, Self, 1, {1, 0}, {1, 1}, Self] = pids(self(), {hello, [1, 2]}, nif_headers_main),
    erlang:display(Self =:= self()),
    erlang:display(receive {from_nif, _} = M1 -> M1 after 1000 -> timeout end),
    Echo = spawn(fun() -> receive {from_nif, X} -> nif_headers_main ! {echoed, X} end end),
    [Same, PidTerm, Sent, Undef, Alive, Named] = pids(Echo, [1.5, "two"], no_such_name),
    erlang:display({Same, PidTerm =:= Echo, Sent, Undef, Alive, Named}),
    erlang:display(receive {echoed, _} = M2 -> M2 after 1000 -> timeout end),
    erlang:display(caught(fun() -> fail(badarg) end)),
    erlang:display(caught(fun() -> fail({some, reason}) end)),
    erlang:display(misc(1, 2)),
    erlang:display(misc(b, a)),
    erlang:display(info()),
    erlang:display(print({a, [1, 2.5], <<"b">>}, #{k => v})),
    erlang:display(sum_cpu([1, 2, 3])),
    erlang:display(sum_io(lists:seq(1, 100))),
    erlang:display(caught(fun() -> sum_cpu([1, a]) end)),
    erlang:display(caught(fun() -> sum_io(improper) end)),
    %% A new version of this module: its on_load upgrades the library.
    {?MODULE, Bin, File} = code:get_object_code(?MODULE),
    erlang:display(code:load_binary(?MODULE, File, Bin)),
    erlang:display(?MODULE:info()),
    %% A resource made before the upgrade, read by the new version.
    {42, _, _, _} = ?MODULE:box_get(B),
    erlang:display(element(1, ?MODULE:box_get(?MODULE:box_new(7)))),
    %% Destructors run once the boxes of a finished process are gone.
    Before = box_dtor_count(),
    {Pid, Ref} = spawn_monitor(fun() -> [box_new(I) || I <- [1, 2, 3]], ok end),
    receive {'DOWN', Ref, process, Pid, normal} -> ok end,
    erlang:display(dtors_reached(Before + 3, 100)),
    ok.

caught(F) ->
    try F() of
        V -> {value, V}
    catch
        C:R -> {C, R}
    end.

dtors_reached(N, 0) -> {timeout, box_dtor_count(), N};
dtors_reached(N, Tries) ->
    case box_dtor_count() >= N of
        true -> true;
        false -> receive after 10 -> dtors_reached(N, Tries - 1) end
    end.
