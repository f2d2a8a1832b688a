-module(boot_logger_report).
%% A process that dies from an uncaught exception: the runtime sends the report to the
%% system logger (kernel's logger_proxy) and logger's default handler prints it on stdout.
%% The report is printed before anything else is (the handler is synchronised first), so the
%% output does not depend on timing.
-export([main/0]).

main() ->
    io:format("start~n"),
    {P, R} = spawn_monitor(fun() -> erlang:error({bad, [1, 2, 3]}) end),
    receive
        {'DOWN', R, process, P, {Why, _}} ->
            %% The proxy got the report before the 'DOWN' was sent; once it has answered,
            %% it has passed the event to the handler, which has written it once it answers.
            _ = sys:get_state(logger_proxy),
            ok = logger_std_h:filesync(default),
            io:format("down: ~p~n", [Why])
    end,
    ok.
