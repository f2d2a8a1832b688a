%% The NIF module of nif_unload.erl (c-tests/nifs/nif_unload.c); as a program of its own it
%% just shows the library's generation.
-module(nif_unload_lib).
-export([main/0, value/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_unload"), info).

value() -> erlang:nif_error(not_loaded).

main() -> erlang:display(value()).
