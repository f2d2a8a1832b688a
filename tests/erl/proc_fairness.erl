-module(proc_fairness).
-export([main/0]).
%% Preemption: processes spinning in tight loops (one per scheduler and more) cannot starve a
%% ping-pong pair; priorities order work; a million-reduction loop yields regularly.
main() ->
    Spinners = [spawn(fun() -> spin(0) end) || _ <- lists:seq(1, 8)],
    Self = self(),
    Pong = spawn(fun() -> pong() end),
    Rounds = ping(Pong, 2000),
    erlang:display({ping_pong_rounds, Rounds}),
    [exit(S, kill) || S <- Spinners],
    Pong ! stop,
    %% A high-priority process gets through while normal ones spin.
    Spinners2 = [spawn(fun() -> spin(0) end) || _ <- lists:seq(1, 4)],
    H = spawn_opt(fun() -> Self ! {high_done, lists:sum(lists:seq(1, 1000))} end, [{priority, high}]),
    erlang:display(receive {high_done, S} -> {high, S} after 10000 -> timeout end),
    [exit(P, kill) || P <- Spinners2],
    _ = H,
    %% Long loops in many processes all finish.
    Ws = [spawn_monitor(fun() -> exit({done, count(300000, 0)}) end) || _ <- lists:seq(1, 6)],
    erlang:display([receive {'DOWN', M, process, P, {done, C}} -> C after 60000 -> timeout end || {P, M} <- Ws]).

spin(N) -> spin(N + 1).

pong() ->
    receive
        {ping, From} -> From ! pong, pong();
        stop -> ok
    end.

ping(_, 0) -> done;
ping(Pong, N) ->
    Pong ! {ping, self()},
    receive pong -> ping(Pong, N - 1) after 10000 -> {stuck_at, N} end.

count(0, Acc) -> Acc;
count(N, Acc) -> count(N - 1, Acc + 1).
