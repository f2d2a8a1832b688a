-module(idle_procs).
-export([main/0]).
%% 1,000,000 idle processes alive at once (needs +P 2000000), then released.
main() ->
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 1000000)],
    erlang:display(length(Pids)),
    [P ! stop || P <- Pids],
    ok.
