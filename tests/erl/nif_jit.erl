%% NIFs called from compiled Erlang code (the native-code tier calls them directly, without
%% going through the interpreter): values, exceptions raised by the NIF with and without a
%% handler in the caller, continuations scheduled with enif_schedule_nif, NIFs that use up
%% the time slice, and terms the NIF builds on the caller's heap (heap and refc binaries,
%% lists) while the caller keeps live terms across the call. Each loop runs long enough to
%% make both modules hot. Uses c-tests/nifs/nif_jit.c through tests/erl/nif_jit_lib.erl.
-module(nif_jit).
-export([main/0]).

main() ->
    erlang:display(loop(3000, 0)),
    erlang:display(nif_jit_lib:local_loop(3000)),
    erlang:display(tail_calls(3000, [])),
    erlang:display(c(fun() -> nif_jit_lib:add(1, foo) end)),
    erlang:display(c(fun() -> nif_jit_lib:raise(boom) end)),
    erlang:display(stack()),
    erlang:display(slices(5000, 0)),
    erlang:display(build(2000, [])),
    erlang:display(fragments()),
    ok.

c(F) ->
    try F() catch Class:Reason:St -> {Class, Reason, hd(St)} end.

%% Body calls of each kind from a hot loop.
loop(0, Acc) -> Acc;
loop(N, Acc) ->
    S = nif_jit_lib:add(N, 1),
    {scheduled, T} = nif_jit_lib:twice(N),
    E = try nif_jit_lib:raise({oops, N}) catch error:{oops, M} -> M end,
    B = try nif_jit_lib:add(N, x) catch error:badarg -> 1 end,
    loop(N - 1, (Acc + S + T + E + B) rem 1000000007).

%% Tail calls of NIFs (call_ext_last / call_ext_only).
tail_calls(0, Acc) -> lists:sum(Acc);
tail_calls(N, Acc) -> tail_calls(N - 1, [last(N), only(N) | Acc]).

last(N) ->
    X = N * 2,
    nif_jit_lib:add(X, N).

only(N) -> nif_jit_lib:add(N, N).

%% The stack trace of an exception a NIF raises, called from compiled code.
stack() ->
    _ = [nif_jit_lib:add(I, I) || I <- lists:seq(1, 2000)],
    try nif_jit_lib:add(1, {bad})
    catch error:badarg:St ->
        [{M, F, A} || {M, F, A, _} <- lists:sublist(St, 2)]
    end.

%% NIFs that charge time slices: the process yields and goes on.
slices(0, Acc) -> Acc;
slices(N, Acc) ->
    R = nif_jit_lib:slice(50),
    slices(N - 1, Acc + case R of true -> 1; false -> 0 end).

%% Terms built by the NIF while the caller holds others (the heap fills and is collected).
build(0, Acc) -> {length(Acc), lists:sum([byte_size(B) || {B, _} <- Acc]),
                  lists:sum([length(L) || {_, L} <- Acc])};
build(N, Acc) ->
    B = nif_jit_lib:bin(N rem 130, N rem 256),
    L = nif_jit_lib:list(N rem 20),
    build(N - 1, [{B, L} | Acc]).

%% A loop that allocates only in NIFs (no test_heap of its own) and whose slices end inside
%% a NIF (enif_consume_timeslice): the terms the NIF built are still collected, so the heap
%% stays small (200,000 garbage binaries of 7 words would take 1.4M words).
fragments() ->
    frag_loop(200000),
    {total_heap_size, H} = process_info(self(), total_heap_size),
    H < 500000.

frag_loop(0) -> ok;
frag_loop(N) ->
    _ = nif_jit_lib:bin(40, 1),
    _ = nif_jit_lib:slice(100),
    frag_loop(N - 1).
