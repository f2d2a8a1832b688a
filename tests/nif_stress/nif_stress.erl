%% The NIF stubs of c-tests/nifs/nif_stress.c, used by the other programs of this folder.
-module(nif_stress).
-export([storm/3, storm_join/1, check/3, obj_new/0, obj_touch/1, release_later/1,
         join_releasers/0, obj_counts/0, watcher_new/0, watch/2, watch_keep/2, unwatch/2,
         downs/1, wait_until/1]).
-on_load(init/0).

init() ->
    erlang:load_nif(filename:join(os:getenv("BEAM_TEST_NIF_DIR"), "nif_stress"), 0).

storm(_, _, _) -> erlang:nif_error(not_loaded).
storm_join(_) -> erlang:nif_error(not_loaded).
check(_, _, _) -> erlang:nif_error(not_loaded).
obj_new() -> erlang:nif_error(not_loaded).
obj_touch(_) -> erlang:nif_error(not_loaded).
release_later(_) -> erlang:nif_error(not_loaded).
join_releasers() -> erlang:nif_error(not_loaded).
obj_counts() -> erlang:nif_error(not_loaded).
watcher_new() -> erlang:nif_error(not_loaded).
watch(_, _) -> erlang:nif_error(not_loaded).
watch_keep(_, _) -> erlang:nif_error(not_loaded).
unwatch(_, _) -> erlang:nif_error(not_loaded).
downs(_) -> erlang:nif_error(not_loaded).

%% Waits (collecting garbage, up to 20 s) until F() is true; returns F()'s last answer.
%% Destructors of terms of dead processes may run a little later than the exit.
wait_until(F) -> wait_until(F, 2000).
wait_until(F, 0) -> F();
wait_until(F, N) ->
    erlang:garbage_collect(),
    case F() of
        true -> true;
        false -> receive after 10 -> wait_until(F, N - 1) end
    end.
