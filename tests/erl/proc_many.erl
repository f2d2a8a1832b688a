-module(proc_many).
-export([main/0]).
%% Many processes alive at once (100,000 here; bench/ runs 1,000,000), then all released.
main() ->
    N = 100000,
    Self = self(),
    Pids = [spawn(fun() -> receive {go, From} -> From ! done end end) || _ <- lists:seq(1, N)],
    erlang:display(length(Pids)),
    erlang:display(length(processes()) >= N),
    [P ! {go, Self} || P <- Pids],
    erlang:display(wait(N)),
    erlang:display(alive_after_exit(Pids, 5000)).

%% Processes exit right after answering: poll until none is alive (or give up).
alive_after_exit(Pids, Tries) ->
    case length([P || P <- Pids, is_process_alive(P)]) of
        N when N =:= 0; Tries =:= 0 -> N;
        _ -> receive after 1 -> alive_after_exit(Pids, Tries - 1) end
    end.

wait(0) -> all_done;
wait(N) -> receive done -> wait(N - 1) after 30000 -> {missing, N} end.
