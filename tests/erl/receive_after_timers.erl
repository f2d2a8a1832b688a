-module(receive_after_timers).
-export([main/0]).
%% Timers: receive after, erlang:send_after/start_timer/cancel_timer, ordering of timed messages.
main() ->
    erlang:display(receive x -> x after 20 -> timed_out end),
    erlang:send_after(30, self(), second),
    erlang:send_after(10, self(), first),
    erlang:display(receive M1 -> M1 end),
    erlang:display(receive M2 -> M2 end),
    Ref = erlang:start_timer(10, self(), payload),
    erlang:display(receive {timeout, Ref, P} -> {timeout, P} after 2000 -> none end),
    T = erlang:send_after(10000, self(), never),
    erlang:display(is_integer(erlang:cancel_timer(T))),
    erlang:display(erlang:cancel_timer(T)),
    erlang:display(receive never -> got_never after 50 -> cancelled end),
    erlang:display(erlang:read_timer(T)),
    timer_sleep(5),
    erlang:display(done).

timer_sleep(Ms) -> receive after Ms -> ok end.
