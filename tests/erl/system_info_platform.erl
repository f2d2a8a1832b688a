-module(system_info_platform).
-export([main/0]).
%% erlang:system_info/1 items IEx's runtime_info/0 shows: the platform triple, the ETS table
%% count (it follows tables made and deleted), and statistics(wall_clock)'s uptime, which
%% counts from the VM's start, not from the first call.
main() ->
    D = fun(X) -> erlang:display(X) end,
    timer:sleep(300),
    {Up, Since} = statistics(wall_clock),
    D({Up >= 300, Since >= 300}),
    Arch = erlang:system_info(system_architecture),
    D(Arch),
    D(io_lib:printable_latin1_list(Arch)),
    N0 = erlang:system_info(ets_count),
    D(N0 =:= length(ets:all())),
    T = ets:new(t, []),
    N1 = erlang:system_info(ets_count),
    ets:delete(T),
    N2 = erlang:system_info(ets_count),
    D({N1 - N0, N2 - N0}),
    D(erlang:system_info(ets_count) =< erlang:system_info(ets_limit)),
    ok.
