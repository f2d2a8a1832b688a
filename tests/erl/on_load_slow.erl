%% A module whose on_load function takes 400 ms: on_load_wait.erl calls it from several
%% processes at once while that function runs. Run alone, it prints what a caller gets.
-module(on_load_slow).
-export([main/0, value/1]).
-on_load(init/0).

init() ->
    receive after 400 -> ok end,
    persistent_term:put(on_load_slow_done, true),
    ok.

value(N) -> {N, persistent_term:get(on_load_slow_done, false)}.

main() ->
    erlang:display(value(0)).
