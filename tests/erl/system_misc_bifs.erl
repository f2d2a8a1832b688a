-module(system_misc_bifs).
-export([main/0]).
%% erlang:ports/0 (no ports are open by the program), erts_internal:is_system_process/1 of an
%% ordinary process, and the DTrace tag BIFs of a VM built without dynamic tracing.
main() ->
    D = fun(X) -> erlang:display(X) end,
    D(lists:all(fun erlang:is_port/1, erlang:ports())),
    D(erts_internal:is_system_process(self())),
    T = erlang:dt_spread_tag(true),
    D([T, erlang:dt_restore_tag(T), erlang:dt_spread_tag(false)]),
    D([try erlang:dt_restore_tag(x) catch error:E -> E end,
       try erlang:dt_spread_tag(x) catch error:E2 -> E2 end]),
    ok.
