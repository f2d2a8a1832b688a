%% Threads and synchronisation through the erl_nif API (c-tests/nifs/nif_threads.c):
%% threads created, joined and exited with values; a counter under a mutex; two threads
%% taking turns on a condition variable; a broadcast releasing every waiter; try-locks of
%% mutexes and reader-writer locks from another thread; readers never seeing a half-done
%% update; thread-specific data per thread; thread options, names and ids; and what a
%% created thread is told by enif_thread_type and the time functions.
-module(nif_threads).
-export([main/0]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_threads"), 0).

count(_, _) -> erlang:nif_error(not_loaded).
pingpong(_) -> erlang:nif_error(not_loaded).
broadcast(_) -> erlang:nif_error(not_loaded).
trylocks() -> erlang:nif_error(not_loaded).
rwlock(_) -> erlang:nif_error(not_loaded).
tsd() -> erlang:nif_error(not_loaded).
inside(_) -> erlang:nif_error(not_loaded).
lock_names() -> erlang:nif_error(not_loaded).
here() -> erlang:nif_error(not_loaded).

main() ->
    erlang:display(count(1, 1000)),
    erlang:display(count(8, 20000)),
    erlang:display(count(16, 500)),
    erlang:display(pingpong(0)),
    erlang:display(pingpong(1)),
    erlang:display(pingpong(200)),
    erlang:display(broadcast(1)),
    erlang:display(broadcast(16)),
    erlang:display(trylocks()),
    erlang:display(rwlock(20000)),
    erlang:display(tsd()),
    erlang:display(inside(false)),
    erlang:display(inside(true)),
    erlang:display(lock_names()),
    erlang:display(here()),
    %% Several processes using threads at once.
    Self = self(),
    Pids = [spawn(fun() -> Self ! {self(), count(4, 5000), pingpong(50), tsd()} end)
            || _ <- lists:seq(1, 8)],
    erlang:display([receive {P, C, Pp, T} -> {C, Pp, T} end || P <- Pids]),
    ok.
