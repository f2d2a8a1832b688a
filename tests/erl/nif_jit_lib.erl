%% The NIF module of tests/erl/nif_jit.erl (c-tests/nifs/nif_jit.c). Its own loops call the
%% NIFs with local calls: once the module is compiled after the NIFs were installed, the
%% machine code calls them directly.
-module(nif_jit_lib).
-export([main/0, add/2, raise/1, twice/1, slice/1, bin/2, list/1, local_loop/1]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_jit"), 0).

add(_, _) -> erlang:nif_error(not_loaded).
raise(_) -> erlang:nif_error(not_loaded).
twice(_) -> erlang:nif_error(not_loaded).
slice(_) -> erlang:nif_error(not_loaded).
bin(_, _) -> erlang:nif_error(not_loaded).
list(_) -> erlang:nif_error(not_loaded).

main() -> erlang:display(local_loop(3000)).

%% N rounds of every kind of call, made locally (a body call and a tail call).
local_loop(N) -> local_loop(N, 0).

local_loop(0, Acc) -> Acc;
local_loop(N, Acc) ->
    S = add(N, Acc rem 1000),
    {scheduled, T} = twice(N),
    E = try raise({oops, N}) catch error:{oops, M} -> M end,
    B = try add(N, x) catch error:badarg -> 1 end,
    _ = slice(N rem 100 + 1),
    Bin = bin(N rem 100, N rem 256),
    L = length(list(N rem 10)),
    local_loop(N - 1, (Acc + S + T + E + B + byte_size(Bin) + L) rem 1000000007).
