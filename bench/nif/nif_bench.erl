%% The NIF stubs of bench/nif/nif_bench.c (loaded from BENCH_NIF_DIR).
-module(nif_bench).
-export([trivial/1, dirty_inc/1, stream_start/2, stream_join/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BENCH_NIF_DIR"), "nif_bench"), 0).

trivial(_) -> erlang:nif_error(not_loaded).
dirty_inc(_) -> erlang:nif_error(not_loaded).
stream_start(_, _) -> erlang:nif_error(not_loaded).
stream_join() -> erlang:nif_error(not_loaded).
