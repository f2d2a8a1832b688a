%% Processes that call a module while its on_load function runs wait until it has
%% finished, then run the new code (they never see it half-initialised).
-module(on_load_wait).
-export([main/0]).

main() ->
    Self = self(),
    Pids = [spawn(fun() -> Self ! {self(), on_load_slow:value(N)} end) || N <- lists:seq(1, 6)],
    Results = [receive {P, R} -> R end || P <- Pids],
    erlang:display(Results),
    erlang:display(erlang:module_loaded(on_load_slow)),
    erlang:display(on_load_slow:value(7)).
