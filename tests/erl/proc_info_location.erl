-module(proc_info_location).
-export([main/0, top/0]).
%% process_info/2 of a waiting process: current_function, current_location (with file and
%% line), current_stacktrace through non-tail calls (and limited by backtrace_depth), parent,
%% magic_ref.
main() ->
    D = fun(X) -> erlang:display(X) end,
    P = spawn(?MODULE, top, []),
    receive after 30 -> ok end,
    D(process_info(P, current_function)),
    D(process_info(P, current_location)),
    D(process_info(P, current_stacktrace)),
    D(process_info(P, parent) =:= {parent, self()}),
    D(process_info(P, magic_ref)),
    D(process_info(P, [current_function, catchlevel])),
    Old = erlang:system_flag(backtrace_depth, 2),
    D(process_info(P, current_stacktrace)),
    erlang:system_flag(backtrace_depth, Old),
    P ! stop,
    receive after 30 -> ok end,
    D(process_info(P, current_stacktrace)),
    ok.

top() ->
    R = middle(3),
    exit(R).

middle(0) ->
    catch wait(),
    done;
middle(N) ->
    X = middle(N - 1),
    {X, N}.

wait() ->
    receive
        stop -> ok
    end.
