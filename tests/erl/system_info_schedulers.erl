-module(system_info_schedulers).
-export([main/0]).
%% system_info items about schedulers: multi-scheduling state and blockers, binding (none),
%% the scheduler count in schedulers_state, and scheduler_id within range.
main() ->
    D = fun(X) -> erlang:display(X) end,
    N = erlang:system_info(schedulers),
    D([erlang:system_info(X) || X <- [multi_scheduling, multi_scheduling_blockers,
                                       normal_multi_scheduling_blockers, scheduler_bind_type]]),
    B = erlang:system_info(scheduler_bindings),
    D({tuple_size(B) =:= N, lists:usort(tuple_to_list(B))}),
    D(element(1, erlang:system_info(schedulers_state)) =:= N),
    Id = erlang:system_info(scheduler_id),
    D(is_integer(Id) andalso Id >= 1 andalso Id =< N),
    D(erlang:system_info(schedulers_online) =< N),
    ok.
