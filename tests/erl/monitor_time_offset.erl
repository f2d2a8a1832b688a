-module(monitor_time_offset).
-export([main/0]).
%% monitor(time_offset, clock_service): a monitor that is listed and demonitored like any other;
%% in the default no_time_warp mode it never fires.
main() ->
    R = erlang:monitor(time_offset, clock_service),
    erlang:display(is_reference(R)),
    erlang:display(process_info(self(), monitors)),
    erlang:display([erlang:system_info(K) || K <- [time_warp_mode, time_correction, time_offset,
                                                    tolerant_timeofday]]),
    [erlang:display([K || {K, _} <- erlang:system_info(S)])
     || S <- [os_monotonic_time_source, os_system_time_source]],
    erlang:display(os:version() =:= list_to_tuple([list_to_integer(takewhile_digit(P)) || P <- lists:sublist(string:split(os:cmd("uname -r") -- "\n", ".", all), 3)])),
    erlang:display(receive M -> {got, M} after 50 -> none end),
    erlang:display(demonitor(R, [info])),
    erlang:display(demonitor(R, [info])),
    erlang:display(process_info(self(), monitors)),
    erlang:display(try erlang:monitor(time_offset, other) catch C1:E1 -> {C1, E1} end),
    erlang:display(try erlang:monitor(time_offset, self()) catch C2:E2 -> {C2, E2} end),
    R2 = erlang:monitor(time_offset, clock_service),
    erlang:display(demonitor(R2)),
    ok.

takewhile_digit(S) -> lists:takewhile(fun(C) -> C >= $0 andalso C =< $9 end, S).
