-module(receive_timers_cancelled).
-export([main/0]).
%% `receive ... after` timers: 20,000 receives a message ends (each timer cancelled, not left
%% to expire), then receives that time out, a mix, and one after the others were cancelled.
main() ->
    Self = self(),
    P = spawn(fun() -> echo() end),
    [begin P ! {Self, I}, receive {P, I} -> ok after 5000 -> exit(lost) end end || I <- lists:seq(1, 20000)],
    T = [begin receive never -> no after 1 -> timeout end end || _ <- lists:seq(1, 5)],
    erlang:display(T),
    R = [begin P ! {Self, I}, receive {P, I} -> got after 100 -> timeout end end || I <- lists:seq(1, 3)],
    erlang:display(R),
    erlang:display(receive x -> x after 30 -> late end),
    exit(P, kill),
    erlang:display(done).
echo() -> receive {From, I} -> From ! {self(), I}, echo() end.
